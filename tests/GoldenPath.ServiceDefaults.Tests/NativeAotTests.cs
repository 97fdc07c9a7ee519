using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>
/// Publishes a golden-path service with Native AOT and runs it: the package must produce no trimming or AOT
/// warnings and must work when compiled ahead of time (identity, JSON health, service info).
/// </summary>
public sealed class NativeAotTests
{
    [Fact]
    public async Task AServiceWithTheGoldenPathPublishesAsNativeAotWithoutWarningsAndServes()
    {
        var ct = TestContext.Current.CancellationToken;
        var repo = Repository.Root;
        var root = Directory.CreateTempSubdirectory("goldenpath-aot-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, ".git"));
            var project = Path.Combine(root, "src", "aot-probe");
            Directory.CreateDirectory(project);
            await File.WriteAllTextAsync(Path.Combine(root, "catalog-info.yaml"), """
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: aot-probe
                spec:
                  type: service
                  lifecycle: experimental
                  owner: team-platform
                """, ct);
            await File.WriteAllTextAsync(Path.Combine(project, "AotProbe.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <PublishAot>true</PublishAot>
                    <InvariantGlobalization>true</InvariantGlobalization>
                    <TrimmerSingleWarn>false</TrimmerSingleWarn>
                    <IsGoldenPathService>true</IsGoldenPathService>
                    <RepoRoot>{repo}/</RepoRoot>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{repo}/sdk/GoldenPath.ServiceDefaults/GoldenPath.ServiceDefaults.csproj" />
                  </ItemGroup>
                  <Import Project="{repo}/Directory.Build.targets" />
                </Project>
                """, ct);
            await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), """
                var builder = WebApplication.CreateSlimBuilder(args);
                builder.AddGoldenPath();
                var app = builder.Build();
                app.MapGoldenPath();
                app.Run();
                """, ct);

            var output = Path.Combine(root, "out");
            var (exitCode, log) = await RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", output, "-nologo", "-nodeReuse:false"], root, ct);

            Assert.True(exitCode == 0, log);
            Assert.DoesNotMatch(@"warning (IL\d{4}|AOT\d{3})", log);

            var port = LoopbackPort.Next();
            using var service = Process.Start(new ProcessStartInfo(Path.Combine(output, "AotProbe"), ["--urls", $"http://127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await Poll.UntilAsync(async () =>
                {
                    try
                    {
                        return (await http.GetAsync("/health/ready", ct)).StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(20), "the native service to be ready");

                using var info = JsonDocument.Parse(await http.GetStringAsync("/.well-known/service-info", ct));
                Assert.Equal("aot-probe", info.RootElement.GetProperty("name").GetString());
                Assert.Equal("team-platform", info.RootElement.GetProperty("owner").GetString());
            }
            finally
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync(ct);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }


    internal static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output + await error);
    }
}
