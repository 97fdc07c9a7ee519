namespace GoldenPath.Platform.Domain;

/// <summary>What kind of refusal a <see cref="Failure"/> is; Api/Problems.For turns each into its HTTP status.</summary>
internal enum FailureKind
{
    /// <summary>Fields of the request are not valid; <see cref="Failure.Errors"/> names them.</summary>
    Invalid,

    /// <summary>The request is well formed but names something it may not (a deployment that does not exist, say).</summary>
    BadRequest,

    /// <summary>What the request names is not there.</summary>
    NotFound,

    /// <summary>The token's team may not do this.</summary>
    Forbidden,

    /// <summary>The request contradicts what is stored, or lost a race with another write.</summary>
    Conflict,
}

/// <summary>
/// Why the domain refused a request, in words for the caller (<see cref="Detail"/>), with the fields at fault when the
/// request was invalid. The domain says what happened; only the Api folder says it in HTTP.
/// </summary>
internal sealed record Failure(FailureKind Kind, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Failure NotFound(string detail) => new(FailureKind.NotFound, detail);

    public static Failure Forbidden(string detail) => new(FailureKind.Forbidden, detail);

    public static Failure Conflict(string detail) => new(FailureKind.Conflict, detail);

    public static Failure BadRequest(string detail) => new(FailureKind.BadRequest, detail);

    public static Failure Invalid(Dictionary<string, string[]> errors) =>
        new(FailureKind.Invalid, "The request is not valid: " + string.Join(" ", errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}."))), errors);
}
