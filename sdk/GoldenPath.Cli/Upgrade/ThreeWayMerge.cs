namespace GoldenPath.Cli.Upgrade;

/// <summary>
/// A three-way text merge by <c>git merge-file</c>: the same line-level merge <c>git merge</c> and <c>git rebase</c>
/// make, with the conflict markers every editor and reviewer knows. Chosen over a hand-written diff3 (a merge
/// algorithm is easy to get subtly wrong: adjacent edits, insertions at the same place, files without a final newline)
/// and over a library (LibGit2Sharp carries native binaries per platform; DiffPlex diffs but does not merge): git is
/// there wherever a generated repository is, and <c>goldenpath upgrade</c> refuses trees that are not git repositories.
/// </summary>
internal static class ThreeWayMerge
{
    /// <summary>The merged text, and how many conflicts it holds as markers (0: a clean merge).</summary>
    public sealed record Result(string Text, int Conflicts);

    /// <summary>Merges the template's change (<paramref name="baseText"/> to <paramref name="theirs"/>) into <paramref name="ours"/>.</summary>
    /// <param name="ours">The repository's file.</param>
    /// <param name="baseText">The file as the recorded version renders it, or empty when that version had no such file.</param>
    /// <param name="theirs">The file as the target version renders it.</param>
    /// <param name="labels">The names the conflict markers show: ours, base, theirs.</param>
    /// <param name="scratch">A folder for the three inputs.</param>
    /// <param name="ct">Cancels the merge.</param>
    public static async Task<(Result? Result, string? Problem)> MergeAsync(string ours, string baseText, string theirs, (string Ours, string Base, string Theirs) labels, string scratch, CancellationToken ct)
    {
        var folder = Directory.CreateDirectory(Path.Combine(scratch, Guid.NewGuid().ToString("N")[..12])).FullName;
        var (oursFile, baseFile, theirsFile) = (Path.Combine(folder, "ours"), Path.Combine(folder, "base"), Path.Combine(folder, "theirs"));
        await File.WriteAllTextAsync(oursFile, ours, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(baseFile, baseText, ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(theirsFile, theirs, ct).ConfigureAwait(false);
        // -p: the result on standard output; the exit code is the number of conflicts (negative, i.e. >= 128 here, on an error).
        var merge = await Tool.RunAsync("git", ["merge-file", "-p", "-L", labels.Ours, "-L", labels.Base, "-L", labels.Theirs, oursFile, baseFile, theirsFile], folder, ct).ConfigureAwait(false);
        Directory.Delete(folder, recursive: true);
        return merge.ExitCode is >= 0 and < 128
            ? (new Result(merge.Output, merge.ExitCode), null)
            : (null, merge.Describe());
    }
}
