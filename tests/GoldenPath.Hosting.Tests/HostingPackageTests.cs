using System.IO.Compression;
using System.Xml.Linq;

namespace GoldenPath.Hosting.Tests;

/// <summary>The GoldenPath.Hosting package as <c>dotnet pack</c> makes it.</summary>
public sealed class HostingPackageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePackageDependsOnExactlyTheGoldenPathKubernetesVersionWhoseInternalsItUses()
    {
        var output = Directory.CreateTempSubdirectory("goldenpath-hosting-pack-");
        try
        {
            // The assemblies this test run was built with, packed as they are (no second build racing the first).
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var project = Path.Combine(Repository.Root, "sdk", "GoldenPath.Hosting", "GoldenPath.Hosting.csproj");
            var (exitCode, log) = await RunAsync("dotnet", "pack", project, "-c", configuration, "--no-build", "-o", output.FullName, "-v", "q", "-nologo");
            Assert.True(exitCode == 0, $"dotnet pack {project} failed: {log}");

            var package = Directory.GetFiles(output.FullName, "GoldenPath.Hosting.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
            using var archive = ZipFile.OpenRead(package);
            await using var nuspecStream = archive.Entries.Single(e => e.FullName == "GoldenPath.Hosting.nuspec").Open();
            var nuspec = await XDocument.LoadAsync(nuspecStream, LoadOptions.None, Ct);
            var ns = nuspec.Root!.Name.Namespace;
            var version = nuspec.Root.Element(ns + "metadata")!.Element(ns + "version")!.Value;
            var groups = nuspec.Descendants(ns + "group").ToList();

            Assert.NotEmpty(groups);
            Assert.All(groups, group => Assert.Equal($"[{version}]",
                group.Elements(ns + "dependency").Single(d => d.Attribute("id")?.Value == "GoldenPath.Kubernetes").Attribute("version")?.Value));
            // Only that reference is pinned: the others keep NuGet's usual lower bound.
            Assert.All(groups.SelectMany(g => g.Elements(ns + "dependency")).Where(d => d.Attribute("id")?.Value != "GoldenPath.Kubernetes"),
                d => Assert.DoesNotContain("[", d.Attribute("version")?.Value ?? "", StringComparison.Ordinal));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}
