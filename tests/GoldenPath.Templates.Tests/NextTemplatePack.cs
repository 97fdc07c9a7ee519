namespace GoldenPath.Templates.Tests;

/// <summary>
/// A second, changed version of the template pack, packed from a copy of templates/GoldenPath.Templates into the
/// <see cref="TemplatePack"/>'s feed: one minor version newer, with a new workflow step, a changed app-host line, a
/// changed first line of the API's Program.cs, a new file (RUNBOOK.md), two removed files (README.md and the app
/// host's appsettings.json) and a changed .editorconfig. Its services reference the GoldenPath packages of the
/// current pack (a template-only release), so that an upgraded service restores from the same feed.
/// </summary>
internal static class NextTemplatePack
{
    public const string NewStep = "      - name: Check the formatting\n        run: dotnet format --verify-no-changes\n";
    public const string BuildStep = "      - run: dotnet build -warnaserror\n";
    public const string SizeLine = "workload.Size = WorkloadSize.Small;";
    public const string NewSizeLine = "workload.Size = WorkloadSize.Medium;";
    public const string NewFirstLine = "// The service's table of contents: what it adds to the host, and what it maps.\n";

    private static readonly SemaphoreSlim Once = new(1, 1);

    /// <summary>Packs the next version into the pack's feed once, and returns its version.</summary>
    public static async Task<string> EnsureAsync(TemplatePack pack)
    {
        var current = pack.Version.Split('-')[0].Split('.').Select(int.Parse).ToArray();
        var version = $"{current[0]}.{current[1] + 1}.0";
        await Once.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (File.Exists(Path.Combine(pack.Feed, $"GoldenPath.Templates.{version}.nupkg")))
            {
                return version;
            }

            var root = Directory.CreateTempSubdirectory("goldenpath-next-pack-").FullName;
            try
            {
                foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
                {
                    File.Copy(Path.Combine(Repository.Root, file), Path.Combine(root, file));
                }

                var source = Path.Combine(Repository.Root, "templates", "GoldenPath.Templates");
                var project = Path.Combine(root, "GoldenPath.Templates");
                foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
                {
                    var relative = Path.GetRelativePath(source, file);
                    if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                    {
                        continue;
                    }

                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(project, relative))!);
                    File.Copy(file, Path.Combine(project, relative));
                }

                var content = Path.Combine(project, "content");
                Edit(Path.Combine(content, "shared", ".github", "workflows", "golden-path.yml"), BuildStep, NewStep + BuildStep);
                Edit(Path.Combine(content, "shared", "src", "gp-template-name.AppHost", "Program.cs"), SizeLine, NewSizeLine);
                Edit(Path.Combine(content, "platform-api", "src", "gp-template-name", "Program.cs"), "using GpTemplateNamespace.Items;\n", NewFirstLine + "using GpTemplateNamespace.Items;\n");
                Edit(Path.Combine(content, "shared", ".editorconfig"), "root = true", "root = true\n# GoldenPath templates " + version);
                await File.WriteAllTextAsync(Path.Combine(content, "shared", "RUNBOOK.md"), "# gp-template-name runbook\n\nWho to call, and what to check first.\n", TestContext.Current.CancellationToken);
                File.Delete(Path.Combine(content, "shared", "README.md"));
                File.Delete(Path.Combine(content, "shared", "src", "gp-template-name.AppHost", "appsettings.json"));
                foreach (var pinned in new[] { Path.Combine(content, "shared", "Directory.Packages.props"), Path.Combine(content, "shared", ".config", "dotnet-tools.json") })
                {
                    Edit(pinned, "%%GOLDENPATH_VERSION%%", pack.Version, all: true);
                }

                var packed = await Processes.RunAsync("dotnet", ["pack", project, "-c", "Release", "-o", pack.Feed, $"-p:VersionPrefix={version}", "-p:VersionSuffix=", "-v", "q", "-clp:NoSummary"], root);
                Assert.True(packed.ExitCode == 0, packed.ToString());
                return version;
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
        finally
        {
            Once.Release();
        }
    }

    private static void Edit(string file, string old, string replacement, bool all = false)
    {
        var text = File.ReadAllText(file);
        Assert.True(text.Contains(old, StringComparison.Ordinal), $"'{old}' is no longer in {file}: the next pack's change must be made on a line the template has");
        File.WriteAllText(file, all ? text.Replace(old, replacement, StringComparison.Ordinal) : string.Concat(text.AsSpan(0, text.IndexOf(old, StringComparison.Ordinal)), replacement, text.AsSpan(text.IndexOf(old, StringComparison.Ordinal) + old.Length)));
    }
}
