using System.Net;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.Catalog.Client;

/// <summary>Thrown by <see cref="PlatformClient"/> when the platform answers with an error status.</summary>
public sealed class PlatformApiException : Exception
{
    /// <summary>Initializes a new instance for an error answer.</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="problem">The problem details the platform sent, when it sent any.</param>
    /// <param name="request">The request, as <c>METHOD path</c>.</param>
    public PlatformApiException(HttpStatusCode statusCode, PlatformProblem? problem, string request)
        : base($"The platform answered {(int)statusCode} {statusCode} to {request}: {problem?.Detail ?? problem?.Title ?? "no details"}")
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>Initializes a new instance.</summary>
    public PlatformApiException() { }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public PlatformApiException(string message)
        : base(message) { }

    /// <summary>Initializes a new instance with a message and cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PlatformApiException(string message, Exception innerException)
        : base(message, innerException) { }

    /// <summary>Gets the HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the problem details, when the platform sent any.</summary>
    public PlatformProblem? Problem { get; }
}
