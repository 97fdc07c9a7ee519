using System.Diagnostics;
using GoldenPath.Platform.Domain;
using Microsoft.AspNetCore.Mvc;

namespace GoldenPath.Platform;

/// <summary>RFC 7807 problems, written the same way by every endpoint, the auth handlers and the request readers.</summary>
internal static class Problems
{
    public static Task Write(HttpContext context, int status, string title, string detail)
    {
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path },
        }).AsTask();
    }

    /// <summary>The HTTP answer to a refusal of the domain: its kind picks the status and title, its detail is the problem's.</summary>
    public static IResult For(Failure failure) => failure.Kind switch
    {
        FailureKind.Invalid => TypedResults.ValidationProblem(failure.Errors ?? new Dictionary<string, string[]>(), detail: failure.Detail, title: "Validation failed"),
        FailureKind.BadRequest => BadRequest(failure.Detail),
        FailureKind.NotFound => NotFound(failure.Detail),
        FailureKind.Forbidden => Forbidden(failure.Detail),
        FailureKind.Conflict => Conflict(failure.Detail),
        _ => throw new UnreachableException($"Failure kind {failure.Kind} has no HTTP answer; add it to Problems.For."),
    };

    public static ProblemHttpResult NotFound(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: Failure.Invalid(errors).Detail, title: "Validation failed");
}
