using System.Diagnostics;
using System.Net;

namespace GoldenPath.Templates.Tests;

/// <summary>A repository made by <c>dotnet new</c>, and what can be done with it: build, test, run.</summary>
public sealed class GeneratedRepository(string directory, string name, ProcessResult creation)
{
    public string Directory { get; } = directory;

    public string Name { get; } = name;

    public string CreationOutput { get; } = creation.Output;

    public string ServiceProject => Path.Combine(Directory, "src", Name);

    public string Read(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    /// <summary>Every file, relative and sorted, with '/' separators; bin/ and obj/ left out.</summary>
    public IReadOnlyList<string> Files() =>
        [.. System.IO.Directory.GetFiles(Directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs <c>dotnet</c> in the repository; the test host's environment (image settings, CI) is inherited.</summary>
    internal Task<ProcessResult> DotNetAsync(params string[] arguments) => Processes.RunAsync("dotnet", arguments, Directory);

    /// <summary>
    /// Runs the built service (<c>dotnet run --no-build</c>, environment Production) on a free port with
    /// <paramref name="settings"/> as environment variables, until <paramref name="probe"/> returns; the probe
    /// gets a client of the service and its output.
    /// </summary>
    internal async Task<T> RunServiceAsync<T>(IReadOnlyDictionary<string, string?> settings, Func<RunningService, Task<T>> probe, string? executable = null)
    {
        var port = LoopbackPort.Next();
        var environment = new Dictionary<string, string?>(settings)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        // A native executable (a Native AOT publish) runs as it is, with the service project as its content root.
        var start = executable is null
            ? Processes.StartInfo("dotnet", ["run", "--no-build", "--no-launch-profile", "--project", ServiceProject], Directory, environment)
            : Processes.StartInfo(executable, [], ServiceProject, environment);
        var (process, output) = Processes.Start(start);
        using var owned = process;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(process.HasExited, $"The service exited with {(process.HasExited ? process.ExitCode : 0)} before it was ready:\n{output}");
                try
                {
                    using var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return await probe(new RunningService(client, process, output));
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }

                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"/health/ready did not answer 200 within 60 s:\n{output}");
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }
}
