namespace GoldenPath.Kubernetes;

/// <summary>One finding of one check on one object.</summary>
/// <param name="CheckId">The check's stable id (<c>GPK…</c>).</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Object">The object, <c>Kind/name</c>.</param>
/// <param name="File">The file the object came from.</param>
/// <param name="Line">The line its document starts on.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
/// <param name="WaiverReason">The reason given in the object's waiver annotation, when waived.</param>
/// <param name="ExceptedBy">The exceptions file entry that sets it aside, when one does.</param>
public sealed record PolicyFinding(string CheckId, PolicySeverity Severity, string Object, string File, int Line, string Message, string? WaiverReason = null, PolicyException? ExceptedBy = null)
{
    /// <summary>Gets a value indicating whether the finding is waived by the object's annotation.</summary>
    public bool Waived => WaiverReason is not null;

    /// <summary>Gets a value indicating whether an entry of the platform's exceptions file sets the finding aside.</summary>
    public bool Excepted => ExceptedBy is not null;

    /// <summary>Gets a value indicating whether the finding fails validation.</summary>
    public bool Fails => Severity == PolicySeverity.Error && !Waived && !Excepted;
}
