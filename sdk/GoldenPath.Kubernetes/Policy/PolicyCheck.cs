namespace GoldenPath.Kubernetes;

/// <summary>A check: a stable id, a title, a severity, where the rule comes from, who may waive it, and what it finds in an object.</summary>
/// <param name="Id">The stable id, used in waivers, exceptions and reports.</param>
/// <param name="Title">What it checks, in a few words.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Source">The rule it implements (Pod Security Standards, kube-score, Polaris, GoldenPath).</param>
/// <param name="WaivedBy">Who may set it aside for one object: the object's annotation, or only the platform's exceptions file.</param>
/// <param name="Evaluate">Returns a message per problem in the object, given all objects.</param>
internal sealed record PolicyCheck(string Id, string Title, PolicySeverity Severity, string Source, PolicyWaiver WaivedBy, Func<ManifestDocument, PolicyContext, IEnumerable<string>> Evaluate);
