using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Kubernetes;

/// <summary>One Kubernetes object read from a file: the typed object and where it came from.</summary>
/// <param name="Object">The object (a KubernetesClient model).</param>
/// <param name="File">The file.</param>
/// <param name="Line">The line its document starts on.</param>
public sealed record ManifestDocument(IKubernetesObject<V1ObjectMeta> Object, string File, int Line)
{
    /// <summary>Gets the object's reference for messages: <c>Kind/name</c>.</summary>
    public string Reference => $"{Object.Kind}/{Object.Metadata?.Name}";
}

/// <summary>A problem found while reading manifests: strict parsing or a required field.</summary>
/// <param name="File">The file.</param>
/// <param name="Line">The line (1-based; 0 when unknown).</param>
/// <param name="Column">The column (1-based; 0 when unknown).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ManifestProblem(string File, int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}({Line},{Column}): {Message}";
}

/// <summary>
/// Reads Kubernetes manifests strictly: duplicate keys, unknown fields and wrong types are errors (YamlDotNet's
/// representation model for duplicates, KubernetesClient's models with unknown members disallowed for the rest), and so is
/// a missing required field. Aliases, nesting deeper than 64 and non-scalar keys are refused before anything is built
/// (<see cref="StrictYaml"/>). A kind no KubernetesClient model describes is refused: its pods could not be checked.
/// Kustomize's own files (<c>kustomization.yaml</c>, <c>kustomize.config.k8s.io</c> Kustomization/Component) are not
/// Kubernetes objects and are left out.
/// </summary>
public static partial class ManifestReader
{
    private static readonly string[] KustomizeKinds = ["Kustomization", "Component"];

    /// <summary>Where other kinds keep a pod template, for the message that refuses a kind this reader does not know.</summary>
    private static readonly string[][] PodTemplatePaths = [["spec", "template", "spec"], ["spec", "jobTemplate"], ["template", "spec"]];

    /// <summary>Whether a file is one <c>kubectl apply -f</c> would apply: <c>*.yaml</c>, <c>*.yml</c> or <c>*.json</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>True for a manifest file.</returns>
    internal static bool IsManifestFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file under a directory (JSON is read as the YAML it also is), or one file.</summary>
    /// <param name="path">A directory or a file.</param>
    /// <returns>The objects and the problems.</returns>
    public static (IReadOnlyList<ManifestDocument> Documents, IReadOnlyList<ManifestProblem> Problems) ReadPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                .Where(IsManifestFile)
                .Where(f => !KustomizeTree.IsKustomization(f))
                .Order(StringComparer.Ordinal)
            : File.Exists(path) ? new[] { path } : throw new FileNotFoundException($"No manifest file or directory at '{path}'.", path);
        var documents = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        var root = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Files are independent: read them on every core, keep the results in file order.
        foreach (var (d, p) in files.AsParallel().AsOrdered().Select(file => Read(File.ReadAllText(file), Path.GetRelativePath(root, file))))
        {
            documents.AddRange(d);
            problems.AddRange(p);
        }

        return (documents, problems);
    }

    /// <summary>Reads the documents of one YAML text.</summary>
    /// <param name="yaml">The text (one or more documents).</param>
    /// <param name="file">The file name for messages.</param>
    /// <returns>The objects and the problems.</returns>
    public static (IReadOnlyList<ManifestDocument> Documents, IReadOnlyList<ManifestProblem> Problems) Read(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var documents = new List<ManifestDocument>();
        var problems = new List<ManifestProblem>();
        YamlStream stream;
        try
        {
            stream = StrictYaml.Load(yaml);
        }
        catch (YamlException exception)
        {
            problems.Add(new ManifestProblem(file, (int)exception.Start.Line, (int)exception.Start.Column, StrictYaml.Explain(exception)));
            return (documents, problems);
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                if (document.RootNode is YamlScalarNode { Value: null or "" })
                {
                    continue; // an empty document between '---'
                }

                problems.Add(new ManifestProblem(file, (int)document.RootNode.Start.Line, (int)document.RootNode.Start.Column, "a manifest document must be a mapping with apiVersion, kind and metadata"));
                continue;
            }

            var line = (int)root.Start.Line;
            var kind = Scalar(root, "kind");
            var apiVersion = Scalar(root, "apiVersion");
            if (kind is not null && KustomizeKinds.Contains(kind, StringComparer.Ordinal)
                && (apiVersion is null || apiVersion.StartsWith("kustomize.config.k8s.io/", StringComparison.Ordinal)))
            {
                continue; // kustomize's own file; any other group's Kustomization or Component is an object like the rest
            }

            var missing = new[] { "apiVersion", "kind" }.Where(k => string.IsNullOrEmpty(Scalar(root, k))).ToList();
            if (!root.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata) || metadata is not YamlMappingNode meta || string.IsNullOrEmpty(Scalar(meta, "name")))
            {
                missing.Add("metadata.name");
            }

            if (missing.Count > 0)
            {
                problems.Add(new ManifestProblem(file, line, (int)root.Start.Column, $"required field{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} missing"));
                continue;
            }

            try
            {
                var typed = ManifestYaml.Load(root, Scalar(root, "apiVersion")!, kind!);
                problems.AddRange(RequiredFields(typed, file, line));
                documents.Add(new ManifestDocument(typed, file, line));
            }
            catch (KeyNotFoundException)
            {
                var template = PodTemplatePaths.FirstOrDefault(p => Node(root, p) is YamlMappingNode);
                problems.Add(new ManifestProblem(file, line, 1, template is null
                    ? $"{apiVersion} {kind} is not a kind this validator knows; check apiVersion and kind"
                    : $"{apiVersion} {kind} is not a kind this validator knows, and it carries a pod template ({string.Join('.', template)}) whose pods the policy cannot check; " +
                      "run the pods through a Deployment, StatefulSet, DaemonSet, Job or CronJob, or ask the platform team to teach the policy this kind"));
            }
            catch (JsonException exception)
            {
                var (at, field) = Locate(root, exception.Path);
                var reason = exception is StrictJsonConverters.ValueException
                    ? $"wrong value at {field}: {exception.Message}"
                    : exception.Message.Contains("could not be mapped", StringComparison.Ordinal)
                    ? $"unknown field {field}; check the spelling against the Kubernetes API reference"
                    : $"wrong type at {field}: {exception.Message.Split(" Path:")[0]} Check the field's type in the Kubernetes API reference (a number, a boolean, a list or a mapping).";
                problems.Add(new ManifestProblem(file, (int)at.Line, (int)at.Column, reason));
            }
            catch (YamlException exception)
            {
                problems.Add(new ManifestProblem(file, (int)exception.Start.Line, (int)exception.Start.Column, StrictYaml.Explain(exception)));
            }
#pragma warning disable CA1031 // Whatever a value makes a model or converter throw is a problem of this document, never a crash of the reader (the platform reads what a deployment sends).
            catch (Exception exception) when (exception is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                // KubernetesClient's converters name no field; a NotSupportedException carries the path in its message.
                var (at, field) = PathInMessage().Match(exception.Message) is { Success: true } path ? Locate(root, path.Groups["path"].Value) : (root.Start, (string?)null);
                problems.Add(new ManifestProblem(file, (int)at.Line, (int)at.Column,
                    $"{kind}/{(Node(root, ["metadata"]) is YamlMappingNode named ? Scalar(named, "name") : null)}: a value{(field is null ? "" : $" at {field}")} could not be read ({exception.Message.Split(" Path:")[0].TrimEnd('.')}); " +
                    "check it against the Kubernetes API reference (a number, a boolean, a string, a list or a mapping, a quantity such as 500m or 1Gi, a time such as 2026-03-31T12:00:00Z)"));
            }
        }

        return (documents, problems);
    }

    private static IEnumerable<ManifestProblem> RequiredFields(IKubernetesObject<V1ObjectMeta> value, string file, int line)
    {
        var missing = new List<string>();
        switch (value)
        {
            case V1Deployment d:
                if (d.Spec is null) { missing.Add("spec"); break; }
                if (d.Spec.Selector is null) { missing.Add("spec.selector"); }
                missing.AddRange(PodSpecMissing(d.Spec.Template?.Spec, "spec.template.spec"));
                break;
            case V1StatefulSet s:
                if (s.Spec is null) { missing.Add("spec"); break; }
                if (s.Spec.Selector is null) { missing.Add("spec.selector"); }
                missing.AddRange(PodSpecMissing(s.Spec.Template?.Spec, "spec.template.spec"));
                break;
            case V1Service svc when svc.Spec?.Ports is null or { Count: 0 }:
                missing.Add("spec.ports");
                break;
            case V2HorizontalPodAutoscaler h when h.Spec?.ScaleTargetRef is null:
                missing.Add("spec.scaleTargetRef");
                break;
            case V1NetworkPolicy n when n.Spec?.PodSelector is null:
                missing.Add("spec.podSelector");
                break;
        }

        return missing.Select(m => new ManifestProblem(file, line, 1, $"{value.Kind}/{value.Metadata.Name}: required field {m} missing"));
    }

    private static IEnumerable<string> PodSpecMissing(V1PodSpec? spec, string path)
    {
        if (spec?.Containers is null or { Count: 0 })
        {
            yield return $"{path}.containers";
            yield break;
        }

        for (var i = 0; i < spec.Containers.Count; i++)
        {
            if (string.IsNullOrEmpty(spec.Containers[i].Name)) { yield return $"{path}.containers[{i}].name"; }
            if (string.IsNullOrEmpty(spec.Containers[i].Image)) { yield return $"{path}.containers[{i}].image"; }
        }
    }

    private static YamlNode? Node(YamlMappingNode root, string[] path)
    {
        YamlNode? node = root;
        foreach (var key in path)
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>Where the field a JSON path (<c>$.spec.template.spec.containers[0].image</c>) names is written: its key, or the deepest part that exists.</summary>
    private static (Mark At, string Field) Locate(YamlMappingNode root, string? path)
    {
        var field = (path ?? "$").TrimStart('$').TrimStart('.');
        YamlNode node = root;
        var at = root.Start;
        foreach (var segment in PathSegment().Matches(field).Select(m => m.Value))
        {
            if (node is YamlSequenceNode sequence && segment.StartsWith('[') && int.TryParse(segment[1..^1], CultureInfo.InvariantCulture, out var index) && index < sequence.Children.Count)
            {
                node = sequence.Children[index];
                at = node.Start;
            }
            else if (node is YamlMappingNode mapping && mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode k && k.Value == segment.Trim('[', ']', '\'')) is { Key: { } key, Value: { } value })
            {
                at = key.Start;
                node = value;
            }
            else
            {
                break;
            }
        }

        return (at, field.Length == 0 ? "(root)" : field);
    }

    [GeneratedRegex(@"\[[^\]]*\]|[^.\[]+")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@" Path: (?<path>\$[^ ]*)")]
    private static partial Regex PathInMessage();
}
