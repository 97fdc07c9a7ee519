namespace GoldenPath.Cli.Upgrade;

/// <summary>
/// Decides, file by file, how the template's change from the recorded version (base) to the target version reaches
/// the repository: files the team never touched take the new version; files both changed are merged three-way
/// (<see cref="ThreeWayMerge"/>), conflicts left as markers; files the template removed go only if the team did not
/// change them; files the team deleted stay deleted; new template files are added. Files that are in neither render
/// are the team's own and are never looked at. <c>.goldenpath.json</c> is the record: it takes the target's.
/// </summary>
internal static class UpgradePlanner
{
    public static async Task<(IReadOnlyList<FileChange> Changes, string? Problem)> PlanAsync(
        string repository, string baseRender, string targetRender, (string Base, string Target) versions, string scratch, CancellationToken ct)
    {
        var baseFiles = Files(baseRender);
        var targetFiles = Files(targetRender);
        var changes = new List<FileChange>();
        foreach (var path in baseFiles.Union(targetFiles).Order(StringComparer.Ordinal))
        {
            if (LinkOnTheWay(repository, path) is { } link)
            {
                return ([], $"{link} is a symbolic link, and the template's {path} lies through it: the upgrade reads and writes only files inside the repository. Replace the link with the file or folder it points to, commit, and run the upgrade again.");
            }

            var ours = ReadOrNull(Path.Combine(repository, path));
            var before = baseFiles.Contains(path) ? await File.ReadAllTextAsync(Path.Combine(baseRender, path), ct).ConfigureAwait(false) : null;
            var after = targetFiles.Contains(path) ? await File.ReadAllTextAsync(Path.Combine(targetRender, path), ct).ConfigureAwait(false) : null;
            if (before == after)
            {
                continue;
            }

            if (path == GoldenPathRecord.FileName && after is not null)
            {
                changes.Add(new(path, FileOutcome.Updated, after, 0, $"the record: template version {versions.Target}"));
                continue;
            }

            var (change, problem) = await DecideAsync(path, ours, before, after, versions, scratch, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return ([], problem);
            }

            if (change is not null)
            {
                changes.Add(change);
            }
        }

        return (changes, null);
    }

    /// <summary>The first folder or file on the way from <paramref name="repository"/> to <paramref name="path"/> that is a symbolic link, if any.</summary>
    private static string? LinkOnTheWay(string repository, string path)
    {
        var current = repository;
        foreach (var segment in path.Split('/', '\\'))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                return Path.GetRelativePath(repository, current);
            }
        }

        return null;
    }

    private static async Task<(FileChange? Change, string? Problem)> DecideAsync(
        string path, string? ours, string? before, string? after, (string Base, string Target) versions, string scratch, CancellationToken ct)
    {
        switch (ours, before, after)
        {
            case (null, null, not null):
                return (new(path, FileOutcome.Added, after, 0, $"new in {versions.Target}"), null);
            case (null, not null, _):
                return (after is null ? null : new(path, FileOutcome.Kept, null, 0, $"deleted by you, so it stays deleted; the template changed it in {versions.Target}"), null);
            case (not null, not null, null) when ours == before:
                return (new(path, FileOutcome.Removed, null, 0, $"removed from the template in {versions.Target}"), null);
            case (not null, not null, null):
                return (new(path, FileOutcome.Kept, null, 0, $"removed from the template in {versions.Target}, but changed by you: kept"), null);
            case (not null, _, not null) when ours == after:
                return (null, null);
            case (not null, not null, not null) when ours == before:
                return (new(path, FileOutcome.Updated, after, 0, $"unchanged by you: the {versions.Target} version"), null);
            default:
                {
                    // Both sides changed the file (or both added it, base empty).
                    var labels = ($"{path} (yours)", $"{path} (template {versions.Base})", $"{path} (template {versions.Target})");
                    var (merged, problem) = await ThreeWayMerge.MergeAsync(ours!, before ?? "", after!, labels, scratch, ct).ConfigureAwait(false);
                    if (merged is null)
                    {
                        return (null, $"merging {path} failed: {problem}");
                    }

                    return merged.Conflicts == 0
                        ? (new(path, FileOutcome.Merged, merged.Text, 0, "changed by you and by the template: merged"), null)
                        : (new(path, FileOutcome.Conflict, merged.Text, merged.Conflicts, $"{merged.Conflicts} conflict(s): you and the template changed the same lines; resolve the <<<<<<< ======= >>>>>>> markers"), null);
                }
        }
    }

    /// <summary>Every file of a render, relative with '/' separators.</summary>
    private static HashSet<string> Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))];

    private static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
