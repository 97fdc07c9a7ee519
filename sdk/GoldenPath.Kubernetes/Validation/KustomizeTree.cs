using System.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Kubernetes;

/// <summary>
/// A folder of kustomizations checked as it is deployed: each kustomization that no other one in the folder includes
/// (the overlays, in a base/overlays tree) is built with <c>kubectl kustomize</c>, so that what an overlay's
/// <c>patches:</c> change is checked, not only the base it starts from.
/// </summary>
internal static class KustomizeTree
{
    private static readonly string[] FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
    private static readonly string[] Includes = ["resources", "components", "bases"];

    /// <summary>Whether a file is a kustomization (named as kustomize looks for one).</summary>
    public static bool IsKustomization(string file) => FileNames.Contains(Path.GetFileName(file), StringComparer.Ordinal);

    /// <summary>The kustomizations under a folder that none of the others includes, relative to it ('/'-separated, '.' for the folder itself), in order.</summary>
    public static IReadOnlyList<string> Roots(string directory)
    {
        var root = Path.GetFullPath(directory);
        var kustomizations = Kustomizations(root);
        var included = new HashSet<string>(kustomizations.SelectMany(IncludedDirectories), StringComparer.Ordinal);
        return [.. kustomizations.Where(d => !included.Contains(d)).Select(d => Relative(root, d)).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The manifests under a folder that no kustomization covers (in no folder with a kustomization, nor below one), relative
    /// to it, in order: nothing builds them, so they are read as they are.
    /// </summary>
    public static IReadOnlyList<string> LooseManifests(string directory)
    {
        var root = Path.GetFullPath(directory);
        var kustomizations = Kustomizations(root);
        return [.. Files(root)
            .Where(ManifestReader.IsManifestFile)
            .Where(f => !IsKustomization(f))
            .Where(f => !kustomizations.Any(k => f.StartsWith(k + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            .Select(f => Relative(root, f))
            .Order(StringComparer.Ordinal)];
    }

    private static List<string> Kustomizations(string root) =>
        [.. Files(root).Where(IsKustomization).Select(f => Path.GetDirectoryName(f)!).Distinct(StringComparer.Ordinal)];

    /// <summary>Every file under a folder, hidden folders (.git, .github) left out.</summary>
    private static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).SkipLast(1).Any(part => part.StartsWith('.') && part.Length > 1));

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Runs <c>kubectl kustomize</c> on one kustomization.</summary>
    /// <returns>The built YAML, or why it could not be built.</returns>
    public static async Task<(string? Output, string? Error)> BuildAsync(string kubectl, string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(kubectl, ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{kubectl} could not be started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (null, "kubectl kustomize did not finish within 2 minutes (does it fetch a remote resource?)");
        }

        return process.ExitCode == 0
            ? (await output.ConfigureAwait(false), null)
            : (null, $"kubectl kustomize failed: {(await error.ConfigureAwait(false)).Trim()}");
    }

    /// <summary>The folders a kustomization includes as resources or components (files and remote URLs are not kustomizations).</summary>
    private static IEnumerable<string> IncludedDirectories(string directory)
    {
        var file = FileNames.Select(name => Path.Combine(directory, name)).First(File.Exists);
        YamlStream stream;
        try
        {
            stream = StrictYaml.Load(File.ReadAllText(file));
        }
        catch (YamlException)
        {
            // It then counts as including nothing: at worst more is built and checked, and kubectl reports the error.
            yield break;
        }

        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode kustomization)
        {
            yield break;
        }

        foreach (var key in Includes)
        {
            if (!kustomization.Children.TryGetValue(new YamlScalarNode(key), out var list) || list is not YamlSequenceNode entries)
            {
                continue;
            }

            foreach (var entry in entries.Children.OfType<YamlScalarNode>().Select(e => e.Value).OfType<string>())
            {
                if (!entry.Contains("://", StringComparison.Ordinal) && Path.GetFullPath(Path.Combine(directory, entry)) is var included && Directory.Exists(included))
                {
                    yield return included.TrimEnd(Path.DirectorySeparatorChar);
                }
            }
        }
    }
}
