using System.Diagnostics;
using System.Text.Json;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>A golden-path worker and a stopping service, as real processes (tests/Apps/ProbeService) in Production.</summary>
public sealed class RunningWorkerTests
{
    [Fact]
    public async Task AWorkersLogInsideAScopeAndASpanReachesStandardOutputWithItsTrace()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await using var worker = Probe.Start("worker", new Dictionary<string, string?>
        {
            ["Probe__TraceParent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01",
            ["GoldenPath__Service__InstanceId"] = "worker-1",
        });

        var line = await worker.LogLineAsync("Handled work item w-1");

        Assert.Equal(traceId, line.GetProperty("trace_id").GetString());
        Assert.Equal("ProbeService.ProbeWorker", line.GetProperty("category").GetString());
        Assert.Equal("worker-1", line.GetProperty("service.instance.id").GetString());
        Assert.Contains(line.GetProperty("scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("WorkItemId", out var id) && id.GetString() == "w-1");
        Assert.All(worker.StandardOutput, l => ServiceProcess.Json(l));
    }

    [Fact]
    public async Task InDevelopmentTheConsoleIsReadableTextWithTheSameLines()
    {
        await using var service = Probe.Start("web", new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        });

        await Poll.UntilAsync(() => Task.FromResult(service.StandardOutput.Any(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), () => $"Kestrel's listening line.\n{service}");

        var listening = service.StandardOutput.First(l => l.Contains("Now listening on", StringComparison.Ordinal));
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} info: Microsoft\.Hosting\.Lifetime\[14\] Now listening on: http://127\.0\.0\.1:\d+$", listening);
    }

    [Fact]
    public async Task OnSigtermTheServiceDeregistersAndExitsCleanlyWithItsLastLinesWritten()
    {
        await using var platform = await FakePlatform.StartedAsync();
        await using var service = await Probe.StartWebAsync(new Dictionary<string, string?>
        {
            ["GoldenPath__Service__InstanceId"] = "stopping-1",
            ["GoldenPath__Platform__Url"] = platform.Url,
        });
        await service.WaitUntilReadyAsync();
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/stopping-1") >= 1), TimeSpan.FromSeconds(20), "the instance's registration");

        await service.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(service.ExitCode == 0, $"exit code {service.ExitCode}\n{service}");
        Assert.Equal(1, platform.Count("DELETE", "/instances/stopping-1"));
        var stopping = await service.LogLineAsync("Application is shutting down");
        Assert.Equal("Microsoft.Hosting.Lifetime", stopping.GetProperty("category").GetString());
    }
}
