using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace GoldenPath.Platform;

/// <summary>
/// Reads a JSON request body with a precise 400 problem for malformed JSON or wrong types (the framework's own
/// binder answers those with an empty 400), a 415 for a body that is not JSON, and a validation problem naming the
/// field for what <see cref="RequestText"/> refuses (control characters, nesting, oversized arrays, nulls in arrays).
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, UnsupportedMediaType($"The body must be JSON: send 'Content-Type: application/json' (got '{request.ContentType ?? "none"}')."));
        }

        var charset = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(request.ContentType).Charset;
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, UnsupportedMediaType($"The body must be UTF-8 JSON: send 'Content-Type: application/json; charset=utf-8' (got charset '{charset}')."));
        }

        try
        {
            // The whole body is read (Kestrel stops at MaxRequestBodyBytes) so that it is checked before it is bound.
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            var json = body.GetBuffer().AsSpan(0, (int)body.Length);
            var refused = RequestText.Check(json, typeof(T));
            if (refused.Count > 0)
            {
                return (null, Problems.Invalid(refused));
            }

            var value = JsonSerializer.Deserialize(json, type);
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
        if (outcome.Failure is { } failure)
        {
            return Problems.For(failure);
        }

        return outcome.Created
            ? TypedResults.Created(location(request!, outcome.Value!), outcome.Value)
            : TypedResults.Ok(outcome.Value);
    }

    private static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    private static string FirstSentence(string message)
    {
        var path = message.IndexOf(" Path:", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
