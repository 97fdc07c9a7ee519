using System.CommandLine;
using GoldenPath.Catalog;

namespace GoldenPath.Cli.Upgrade;

/// <summary>
/// <c>goldenpath upgrade</c>: brings a generated repository to a newer template version by rendering the template
/// at the recorded version (base) and at the target with the same answers, and merging the template's change into
/// the repository three-way, file by file (<see cref="UpgradePlanner"/>); then raises the GoldenPath package versions
/// (<see cref="PackageVersionBump"/>) and rewrites <c>.goldenpath.json</c>.
/// </summary>
internal static class UpgradeCommand
{
    public static Command Create(Func<string, string?> environment)
    {
        var to = new Option<string?>("--to") { Description = "The template version to upgrade to; default: the newest GoldenPath.Templates the repository's NuGet feeds have." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the summary and a unified diff of what would change; write nothing." };
        var check = new Option<bool>("--check") { Description = "Exit 1, with the gap and the files that would change, when the repository is behind the target (a CI gate); write nothing." };
        var allowDirty = new Option<bool>("--allow-dirty") { Description = "Upgrade even with uncommitted changes (they may then be hard to tell from the upgrade's)." };
        var repository = new Option<string>("--repository") { Description = "The generated repository (where .goldenpath.json is).", DefaultValueFactory = _ => "." };
        var source = new Option<string?>("--source") { Description = "A further NuGet feed to get GoldenPath.Templates from (besides those of the repository's nuget.config)." };
        var command = new Command("upgrade", "Upgrade a generated repository to a newer template version: a three-way merge of the template's change into your files, conflicts left as markers. Exit 0: upgraded or up to date; 1: conflicts to resolve, or (--check) behind; 2: not a generated git repository, a dirty tree, or a version that cannot be had.")
        {
            to, dryRun, check, allowDirty, repository, source,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            async Task<int> Fail(string message)
            {
                await error.WriteLineAsync($"goldenpath upgrade: {message}").ConfigureAwait(false);
                return ExitCodes.Usage;
            }

            var root = Path.GetFullPath(parse.GetValue(repository)!);
            var (record, recordProblem) = GoldenPathRecord.Read(Path.Combine(root, GoldenPathRecord.FileName));
            if (record is null)
            {
                return await Fail(recordProblem!).ConfigureAwait(false);
            }

            var git = await Tool.RunAsync("git", ["status", "--porcelain", "--untracked-files=all"], root, ct).ConfigureAwait(false);
            if (!git.Succeeded)
            {
                return await Fail($"{root} is not in a git repository (or git is missing): {git.Describe()}. The upgrade writes over your files and needs git to show and undo what it did: run 'git init && git add -A && git commit -m \"Before the template upgrade\"' first.").ConfigureAwait(false);
            }

            var writes = !parse.GetValue(check) && !parse.GetValue(dryRun);
            var dirty = git.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (writes && dirty.Length > 0 && !parse.GetValue(allowDirty))
            {
                return await Fail($"{root} has {dirty.Length} uncommitted change(s) ({string.Join(", ", dirty.Take(5).Select(l => l[3..].Trim()))}{(dirty.Length > 5 ? ", ..." : "")}); an upgrade on top of uncommitted work can lose it. Commit or stash them first, or pass --allow-dirty.").ConfigureAwait(false);
            }

            var packs = new TemplatePacks(TemplatePacks.DefaultCacheRoot(environment), root, parse.GetValue(source));
            var target = parse.GetValue(to);
            if (target is null)
            {
                var (newest, newestProblem) = await packs.NewestAsync(ct).ConfigureAwait(false);
                if (newest is null)
                {
                    return await Fail(newestProblem!).ConfigureAwait(false);
                }

                target = newest;
            }

            if (!GoldenPathRecord.IsVersion(target))
            {
                return await Fail($"'{target}' is not a version of the template pack (e.g. 0.2.0); pass --to with a version the NuGet feeds have.").ConfigureAwait(false);
            }

            if (parse.GetValue(to) is null && ReleaseVersion.Compare(target, record.TemplateVersion) < 0)
            {
                await output.WriteLineAsync($"Ahead: {record.Template} {record.TemplateVersion} is recorded, newer than {target}, the newest on the feeds; nothing to do.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var heading = $"{record.Template} {record.TemplateVersion} -> {target} ({record.Name})";
            if (target == record.TemplateVersion)
            {
                await output.WriteLineAsync($"Up to date: {record.Template} {record.TemplateVersion} is {(parse.GetValue(to) is null ? "the newest on the feeds" : "the version asked for")}.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var scratch = Directory.CreateTempSubdirectory("goldenpath-upgrade-").FullName;
            try
            {
                var (baseRender, targetRender) = (Path.Combine(scratch, "base"), Path.Combine(scratch, "target"));
                var renders = await Task.WhenAll(
                    packs.RenderAsync(record.TemplateVersion, record, baseRender, ct),
                    packs.RenderAsync(target, record, targetRender, ct)).ConfigureAwait(false);
                if (renders.FirstOrDefault(r => r.Problem is not null).Problem is { } renderProblem)
                {
                    return await Fail(renderProblem).ConfigureAwait(false);
                }

                var (planned, planProblem) = await UpgradePlanner.PlanAsync(root, baseRender, targetRender, (record.TemplateVersion, target), scratch, ct).ConfigureAwait(false);
                if (planProblem is not null)
                {
                    return await Fail(planProblem).ConfigureAwait(false);
                }

                var changes = WithRaisedVersions(root, targetRender, planned, target);
                if (parse.GetValue(check))
                {
                    await output.WriteLineAsync($"Behind: {record.Template} {record.TemplateVersion} is recorded in {GoldenPathRecord.FileName}, {target} is {(parse.GetValue(to) is null ? "the newest" : "the target")} ({Gap(record.TemplateVersion, target)}).").ConfigureAwait(false);
                    await WriteChangesAsync(output, changes, "would change").ConfigureAwait(false);
                    await output.WriteLineAsync("Run 'dotnet goldenpath upgrade' to upgrade, then review, build, test and commit.").ConfigureAwait(false);
                    return ExitCodes.Failed;
                }

                await output.WriteLineAsync($"{(writes ? "Upgrading" : "Would upgrade")} {heading}").ConfigureAwait(false);
                foreach (var dropped in renders[1].Dropped)
                {
                    await output.WriteLineAsync($"  note: {record.Template} {target} has no option '{dropped}'; your answer to it is left out.").ConfigureAwait(false);
                }

                await WriteChangesAsync(output, changes, writes ? "changed" : "would change").ConfigureAwait(false);
                if (!writes)
                {
                    await output.WriteAsync(await DiffAsync(root, changes, scratch, ct).ConfigureAwait(false)).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                foreach (var change in changes)
                {
                    var file = Path.Combine(root, change.Path);
                    if (change.Outcome == FileOutcome.Removed)
                    {
                        File.Delete(file);
                    }
                    else if (change.NewText is not null)
                    {
                        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                        await File.WriteAllTextAsync(file, change.NewText, ct).ConfigureAwait(false);
                    }
                }

                var conflicts = changes.Where(c => c.Outcome == FileOutcome.Conflict).ToList();
                await output.WriteLineAsync(conflicts.Count == 0
                    ? "Done. Review with 'git diff', build and test, then commit."
                    : $"Done, with conflicts in {conflicts.Count} file(s): resolve the markers (git diff; git grep -n '<<<<<<<'), build and test, then commit.").ConfigureAwait(false);
                return conflicts.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    /// <summary>"1 minor version behind" and the like, from the first part that differs.</summary>
    public static string Gap(string recorded, string newest)
    {
        var (a, b) = (ReleaseVersion.Numbers(recorded), ReleaseVersion.Numbers(newest));
        string[] names = ["major", "minor", "patch"];
        for (var i = 0; i < 3; i++)
        {
            if (a[i] != b[i])
            {
                var difference = Math.Abs(b[i] - a[i]);
                return $"{difference} {names[i]} version{(difference == 1 ? "" : "s")} {(b[i] > a[i] ? "behind" : "ahead of it")}";
            }
        }

        return ReleaseVersion.Compare(recorded, newest) < 0 ? "a pre-release behind" : "the same release";
    }

    private static List<FileChange> WithRaisedVersions(string root, string targetRender, IReadOnlyList<FileChange> planned, string target)
    {
        var (packages, sdk, tool) = PackageVersionBump.TargetVersions(targetRender);
        var changes = planned.ToList();
        foreach (var path in PackageVersionBump.ToolManifests.Prepend(PackageVersionBump.PackagesFile))
        {
            var index = changes.FindIndex(c => c.Path == path);
            var current = index >= 0 ? changes[index] : null;
            if (current is { Outcome: FileOutcome.Conflict or FileOutcome.Removed or FileOutcome.Kept })
            {
                continue;
            }

            var text = current?.NewText ?? (File.Exists(Path.Combine(root, path)) ? File.ReadAllText(Path.Combine(root, path)) : null);
            if (text is null)
            {
                continue;
            }

            var raised = path == PackageVersionBump.PackagesFile ? PackageVersionBump.RaisePackages(text, packages, sdk) : PackageVersionBump.RaiseTool(text, tool);
            if (raised == text)
            {
                continue;
            }

            var reason = $"GoldenPath versions raised to those of {target}";
            if (current is null)
            {
                changes.Add(new(path, FileOutcome.Updated, raised, 0, reason));
            }
            else
            {
                changes[index] = current with { NewText = raised, Reason = $"{current.Reason}; {reason}" };
            }
        }

        return [.. changes.OrderBy(c => c.Path, StringComparer.Ordinal)];
    }

    private static async Task WriteChangesAsync(TextWriter output, IReadOnlyList<FileChange> changes, string verb)
    {
        foreach (var change in changes)
        {
            await output.WriteLineAsync($"  {change.Outcome.ToString().ToLowerInvariant(),-8}  {change.Path}  ({change.Reason})").ConfigureAwait(false);
        }

        var counts = Enum.GetValues<FileOutcome>().Select(o => $"{changes.Count(c => c.Outcome == o)} {Plural(o)}");
        await output.WriteLineAsync($"Summary: {string.Join(", ", counts)} ({changes.Count(c => c.Outcome != FileOutcome.Kept)} file(s) {verb}).").ConfigureAwait(false);

        static string Plural(FileOutcome outcome) => outcome == FileOutcome.Conflict ? "conflicts" : outcome.ToString().ToLowerInvariant();
    }

    /// <summary>A unified diff of the changes (<c>git diff --no-index</c> between the files now and as they would be).</summary>
    private static async Task<string> DiffAsync(string root, IReadOnlyList<FileChange> changes, string scratch, CancellationToken ct)
    {
        var (before, after) = (Path.Combine(scratch, "diff", "a"), Path.Combine(scratch, "diff", "b"));
        Directory.CreateDirectory(before);
        Directory.CreateDirectory(after);
        foreach (var change in changes.Where(c => c.Outcome != FileOutcome.Kept))
        {
            var current = Path.Combine(root, change.Path);
            if (File.Exists(current))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(before, change.Path))!);
                File.Copy(current, Path.Combine(before, change.Path));
            }

            if (change.NewText is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(after, change.Path))!);
                await File.WriteAllTextAsync(Path.Combine(after, change.Path), change.NewText, ct).ConfigureAwait(false);
            }
        }

        var diff = await Tool.RunAsync("git", ["diff", "--no-index", "--no-color", "--src-prefix=", "--dst-prefix=", "a", "b"], Path.Combine(scratch, "diff"), ct).ConfigureAwait(false);
        return diff.Output;
    }
}
