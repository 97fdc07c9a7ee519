using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GoldenPath.Platform;

/// <summary>
/// Reads a JSON request body with a precise 400 problem for malformed JSON or wrong types (the framework's own
/// binder answers those with an empty 400) and a 415 for a body that is not JSON.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem($"The body must be JSON: send 'Content-Type: application/json' (got '{request.ContentType ?? "none"}').",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }

        try
        {
            var value = await request.ReadFromJsonAsync(type, request.HttpContext.RequestAborted);
            return value is null ? (null, Problems.BadRequest("The body is empty or JSON null; send a JSON object.")) : (value, null);
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { } path ? $" at {path}" : "";
            var line = exception.LineNumber is { } l ? $" (line {l + 1}, byte {exception.BytePositionInLine + 1})" : "";
            return (null, Problems.BadRequest($"The body is not valid JSON for this request{where}{line}: {FirstSentence(exception.Message)}"));
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem(exception.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large"));
        }
    }

    /// <summary>
    /// The shape of every write: read the body, hand it to the domain, answer with the problem, or 201 with the
    /// location when something was created, else 200.
    /// </summary>
    public static async Task<IResult> WriteAsync<TRequest, TResult>(
        HttpContext context, JsonTypeInfo<TRequest> type, Func<TRequest, Task<Domain.Outcome<TResult>>> write, Func<TRequest, TResult, string> location)
        where TRequest : class
    {
        var (request, problem) = await ReadAsync(context.Request, type);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await write(request!);
        return outcome.Problem ?? (outcome.Created
            ? TypedResults.Created(location(request!, outcome.Value!), outcome.Value)
            : TypedResults.Ok(outcome.Value));
    }

    private static string FirstSentence(string message)
    {
        var path = message.IndexOf(" Path:", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
