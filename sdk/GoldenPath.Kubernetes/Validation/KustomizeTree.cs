using System.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GoldenPath.Kubernetes;

/// <summary>
/// A folder of kustomizations checked as it is deployed: every kustomization in it (kind <c>Kustomization</c>; a
/// <c>Component</c> cannot be built alone) is built with <c>kubectl kustomize</c> and checked as built, so that what an
/// overlay's <c>patches:</c> change is checked, not only the base it starts from. Each is built, not only those no other
/// one includes: a pipeline may apply any of them (a kustomization that includes <c>overlays/prod</c> and patches it
/// back must not hide <c>overlays/prod</c>). Hidden folders are searched too: <c>kubectl apply -k deploy/.prod</c> works.
/// </summary>
internal static class KustomizeTree
{
    private static readonly string[] FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    /// <summary>Whether a file is a kustomization (named as kustomize looks for one).</summary>
    public static bool IsKustomization(string file) => FileNames.Contains(Path.GetFileName(file), StringComparer.Ordinal);

    /// <summary>The kustomizations under a folder that can be built (every one but the components), relative to it ('/'-separated, '.' for the folder itself), in order.</summary>
    public static IReadOnlyList<string> Buildable(string directory)
    {
        var root = Path.GetFullPath(directory);
        return [.. Kustomizations(root).Where(d => !IsComponent(d)).Select(d => Relative(root, d)).Order(StringComparer.Ordinal)];
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

    /// <summary>Every file under a folder, hidden folders included (kubectl reads them as it reads any other).</summary>
    private static IEnumerable<string> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories);

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

    /// <summary>Whether a folder's kustomization is a <c>Component</c> (which only a kustomization that includes it builds).</summary>
    private static bool IsComponent(string directory)
    {
        var file = FileNames.Select(name => Path.Combine(directory, name)).First(File.Exists);
        try
        {
            return StrictYaml.Load(File.ReadAllText(file)).Documents.FirstOrDefault()?.RootNode is YamlMappingNode kustomization
                && kustomization.Children.TryGetValue(new YamlScalarNode("kind"), out var kind) && kind is YamlScalarNode { Value: "Component" };
        }
        catch (YamlException)
        {
            return false; // built, so that kubectl reports what is wrong with it
        }
    }
}
