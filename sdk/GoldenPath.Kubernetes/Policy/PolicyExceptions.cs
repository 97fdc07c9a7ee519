using System.Globalization;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Kubernetes;

/// <summary>
/// One entry of the platform's exceptions file: a check set aside for one object, named by namespace, kind and name, by
/// its owner, for a reason, until a date. Unlike an object's waiver annotation it lives outside the service's
/// repository, so it can set aside the checks a team may not waive itself (<see cref="PolicyWaiver.ExceptionsFile"/>).
/// The namespace is what makes the object one team's: an entry never applies to an object of that kind and name in
/// another namespace, nor to one that declares no namespace (it could be applied to any).
/// </summary>
/// <param name="CheckId">The check (<c>GPK…</c>).</param>
/// <param name="Namespace">The object's namespace.</param>
/// <param name="Kind">The object's kind.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Owner">Who answers for it.</param>
/// <param name="Reason">Why the object may break the rule.</param>
/// <param name="Expires">The last day (UTC) it applies.</param>
/// <param name="File">The exceptions file.</param>
/// <param name="Line">The line the entry starts on.</param>
public sealed record PolicyException(string CheckId, string Namespace, string Kind, string Name, string Owner, string Reason, DateOnly Expires, string File, int Line)
{
    /// <summary>Gets where the entry is written, <c>file:line</c>: how reports name it.</summary>
    public string Entry => $"{File}:{Line}";

    /// <summary>Gets what it applies to, as written: <c>namespace/Kind/name</c>.</summary>
    public string Target => $"{Namespace}/{Kind}/{Name}";

    /// <summary>Whether the entry no longer applies on a day.</summary>
    /// <param name="today">The day (UTC).</param>
    /// <returns>True after its expiry date.</returns>
    public bool IsExpired(DateOnly today) => today > Expires;

    /// <summary>Whether the entry names an object.</summary>
    /// <param name="value">The object.</param>
    /// <returns>True when its namespace, kind and name are the entry's; never for an object that declares no namespace.</returns>
    public bool AppliesTo(IKubernetesObject<V1ObjectMeta> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Metadata is { Name: { } name, NamespaceProperty: { } ns }
            && string.Equals(name, Name, StringComparison.Ordinal)
            && string.Equals(value.Kind, Kind, StringComparison.Ordinal)
            && string.Equals(ns, Namespace, StringComparison.Ordinal);
    }
}

/// <summary>
/// Reads the platform's exceptions file (YAML or JSON) strictly: every entry needs <c>check</c>, <c>object</c>
/// (<c>namespace/Kind/name</c>), <c>owner</c>, <c>reason</c> and <c>expires</c> (<c>yyyy-MM-dd</c>); an unknown check,
/// an unknown field or a malformed value is a problem with file and line, and the entry does not apply. An entry that
/// names no namespace (<c>Kind/name</c>, or <c>workload: name</c> for every object of that name) is refused: it would
/// set the check aside for any team that names an object the same.
/// </summary>
/// <example>
/// <code>
/// exceptions:
/// - check: GPK005
///   object: team-gpu-prod/DaemonSet/driver-installer
///   owner: team-platform
///   reason: installs the GPU driver on the node (PLAT-123)
///   expires: 2027-03-31
/// </code>
/// </example>
public static class PolicyExceptions
{
    private static readonly string[] Fields = ["check", "object", "workload", "owner", "reason", "expires"];

    /// <summary>Reads an exceptions file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The entries and the problems (named by the file's name as given).</returns>
    public static (IReadOnlyList<PolicyException> Exceptions, IReadOnlyList<ManifestProblem> Problems) ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllText(path), path);
    }

    /// <summary>Reads the text of an exceptions file.</summary>
    /// <param name="text">YAML or JSON.</param>
    /// <param name="file">The file name for messages.</param>
    /// <returns>The entries and the problems.</returns>
    public static (IReadOnlyList<PolicyException> Exceptions, IReadOnlyList<ManifestProblem> Problems) Read(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var exceptions = new List<PolicyException>();
        var problems = new List<ManifestProblem>();
        YamlStream stream;
        try
        {
            stream = StrictYaml.Load(text);
        }
        catch (YamlException exception)
        {
            problems.Add(new ManifestProblem(file, (int)exception.Start.Line, (int)exception.Start.Column, StrictYaml.Explain(exception)));
            return (exceptions, problems);
        }

        var root = stream.Documents.Count == 1 ? stream.Documents[0].RootNode : null;
        if (root is not YamlMappingNode mapping || mapping.Children.Count != 1
            || !mapping.Children.TryGetValue(new YamlScalarNode("exceptions"), out var list) || list is not YamlSequenceNode entries)
        {
            var at = root?.Start ?? Mark.Empty;
            problems.Add(new ManifestProblem(file, Math.Max(1, (int)at.Line), Math.Max(1, (int)at.Column),
                "an exceptions file is one document: a mapping with an 'exceptions' list of entries (check, object, owner, reason, expires); see docs/kubernetes.md"));
            return (exceptions, problems);
        }

        foreach (var node in entries.Children)
        {
            if (Validate(node) is var (at, message))
            {
                problems.Add(new ManifestProblem(file, (int)at.Line, (int)at.Column, message));
            }
            else
            {
                exceptions.Add(Create((YamlMappingNode)node, file));
            }
        }

        return (exceptions, problems);
    }

    /// <summary>The first thing wrong with an entry, and where; null when it is well-formed.</summary>
    private static (Mark At, string Message)? Validate(YamlNode node)
    {
        const string Shape = "each entry needs check, object (namespace/Kind/name), owner, reason (at least 10 characters) and expires (yyyy-MM-dd)";
        if (node is not YamlMappingNode entry)
        {
            return (node.Start, $"an exception must be a mapping; {Shape}");
        }

        foreach (var (key, value) in entry.Children)
        {
            var field = ((YamlScalarNode)key).Value;
            if (!Fields.Contains(field, StringComparer.Ordinal))
            {
                return (key.Start, $"unknown field {field} in an exception; {Shape}");
            }

            if (value is not YamlScalarNode)
            {
                return (value.Start, $"{field} must be a single value");
            }
        }

        var check = Value(entry, "check");
        if (check.Text is null)
        {
            return (entry.Start, $"an exception names no check; {Shape}");
        }

        if (check.Text == "GPK000" || !PolicyEngine.Checks.Any(c => c.Id == check.Text))
        {
            return (check.At, $"{check.Text} is not a check an exception can set aside; use an id from docs/kubernetes.md (GPK001-GPK025)");
        }

        var workload = Value(entry, "workload");
        if (workload.Text is { } name)
        {
            return (workload.At, $"workload '{name}' would except every object of that name in every namespace, another team's too; name each object instead: object: <namespace>/<Kind>/{name} (e.g. team-gpu-prod/DaemonSet/{name})");
        }

        var target = Value(entry, "object");
        if (target.Text is not { } reference)
        {
            return (entry.Start, $"an exception names no object; {Shape}");
        }

        if (reference.Split('/') is { Length: 2 } unscoped && !unscoped.Any(string.IsNullOrWhiteSpace))
        {
            return (target.At, $"object '{reference}' names no namespace, so it would except that {unscoped[0]} in every namespace, another team's too; write namespace/Kind/name (e.g. team-gpu-prod/{reference})");
        }

        if (reference.Split('/') is not { Length: 3 } parts || parts.Any(string.IsNullOrWhiteSpace))
        {
            return (target.At, $"object '{reference}' is not namespace/Kind/name (e.g. team-gpu-prod/DaemonSet/driver-installer)");
        }

        if (Value(entry, "owner").Text is not { Length: > 0 })
        {
            return (entry.Start, $"an exception names no owner (the team that answers for it); {Shape}");
        }

        var reason = Value(entry, "reason");
        if (reason.Text is not { Length: >= 10 })
        {
            return (reason.Text is null ? entry.Start : reason.At, $"an exception needs a reason of at least 10 characters saying why the object may break the rule; {Shape}");
        }

        var expires = Value(entry, "expires");
        if (expires.Text is null)
        {
            return (entry.Start, $"an exception needs an expiry date (expires: yyyy-MM-dd); {Shape}");
        }

        return DateOnly.TryParseExact(expires.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? null
            : (expires.At, $"expires '{expires.Text}' is not a date; write yyyy-MM-dd (the last day the exception applies, UTC)");
    }

    private static PolicyException Create(YamlMappingNode entry, string file)
    {
        var parts = Value(entry, "object").Text!.Split('/');
        return new PolicyException(Value(entry, "check").Text!, parts[0], parts[1], parts[2], Value(entry, "owner").Text!, Value(entry, "reason").Text!,
            DateOnly.ParseExact(Value(entry, "expires").Text!, "yyyy-MM-dd", CultureInfo.InvariantCulture), file, (int)entry.Start.Line);
    }

    private static (string? Text, Mark At) Value(YamlMappingNode entry, string field) =>
        entry.Children.TryGetValue(new YamlScalarNode(field), out var value) && value is YamlScalarNode { Value: { } text }
            ? (text.Trim().Length == 0 ? null : text.Trim(), value.Start)
            : (null, entry.Start);
}
