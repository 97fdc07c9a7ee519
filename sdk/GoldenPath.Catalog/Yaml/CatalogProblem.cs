namespace GoldenPath.Catalog;

/// <summary>One thing wrong in a <c>catalog-info.yaml</c>: where it is and what is wrong.</summary>
/// <param name="File">The file, as it was named to the reader.</param>
/// <param name="Line">The 1-based line, or 0 when unknown.</param>
/// <param name="Column">The 1-based column, or 0 when unknown.</param>
/// <param name="Field">The field, e.g. <c>metadata.name</c> or <c>spec.owner</c>, prefixed with the document number when the file holds several.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="Value">The offending value, where there is one.</param>
public sealed record CatalogProblem(string File, int Line, int Column, string Field, string Message, string? Value = null)
{
    /// <summary>Returns the problem in the compiler's format, <c>file(line,column): field: message</c>.</summary>
    /// <returns>The problem as text.</returns>
    public override string ToString() =>
        Line > 0 ? $"{File}({Line},{Column}): {Field}: {Message}" : $"{File}: {Field}: {Message}";
}

/// <summary>Thrown when a <c>catalog-info.yaml</c> is not valid; <see cref="Problems"/> lists every problem found.</summary>
public sealed class CatalogValidationException : Exception
{
    /// <summary>Initializes a new instance with the problems found.</summary>
    /// <param name="problems">The problems; at least one.</param>
    public CatalogValidationException(IReadOnlyList<CatalogProblem> problems)
        : base(FormatMessage(problems)) => Problems = problems;

    /// <summary>Initializes a new instance with no problems listed.</summary>
    public CatalogValidationException()
        : this([]) { }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public CatalogValidationException(string message)
        : base(message) => Problems = [];

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CatalogValidationException(string message, Exception innerException)
        : base(message, innerException) => Problems = [];

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<CatalogProblem> Problems { get; }

    private static string FormatMessage(IReadOnlyList<CatalogProblem> problems) => problems.Count switch
    {
        0 => "The catalog file is not valid.",
        1 => problems[0].ToString(),
        _ => $"{problems.Count} problems:{Environment.NewLine}" + string.Join(Environment.NewLine, problems),
    };
}
