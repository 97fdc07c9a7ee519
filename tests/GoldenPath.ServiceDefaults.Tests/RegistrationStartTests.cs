using System.Net;
using System.Text.Json;

namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>
/// When the first registration goes out, read from a real golden-path service (tests/Apps/ProbeService) as its own
/// process: after the instance's first ready answer, off the start path, and still soon after start without a probe.
/// </summary>
public sealed class RegistrationStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheFirstRegistrationGoesOutRightAfterTheFirstReadyAnswerNotBesideIt()
    {
        await using var platform = await FakePlatform.StartedAsync();
        await using var service = await Probe.StartWebAsync(new Dictionary<string, string?>
        {
            ["GoldenPath__Service__InstanceId"] = "start-1",
            ["GoldenPath__Platform__Url"] = platform.Url,
            ["GoldenPath__Platform__AdvertisedUrl"] = "http://start.test",
            // Long enough that only the ready answer can release the registration in this test.
            ["GoldenPath__Platform__MaxFirstRegistrationDelay"] = "00:05:00",
        });

        // Started and serving, not yet asked whether it is ready: the registration waits, and says so in /health.
        string? registration = null;
        await Poll.UntilAsync(async () =>
        {
            using var all = JsonDocument.Parse(await service.Http.GetStringAsync("/health", Ct));
            registration = all.RootElement.GetProperty("checks").GetProperty("platform-registration").GetProperty("description").GetString();
            return registration?.Contains("after the first ready answer", StringComparison.Ordinal) == true;
        }, TimeSpan.FromSeconds(30), () => $"the registration to wait for the first ready answer (it says: {registration})");
        using (var live = await service.Http.GetAsync("/health/live", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode); // liveness is not readiness: it releases nothing
        }

        Assert.Equal(0, platform.Count("PUT", "/instances/start-1"));

        using (var ready = await service.Http.GetAsync("/health/ready", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/start-1") >= 1), TimeSpan.FromSeconds(30),
            () => $"the registration after the ready answer (calls: {string.Join(", ", platform.Calls.Select(c => $"{c.Method} {c.Path}"))})");
        var put = platform.Calls.First(c => c.Method == "PUT" && c.Path.EndsWith("/instances/start-1", StringComparison.Ordinal));
        Assert.Equal("Healthy", put.Json.GetProperty("status").GetString());
        Assert.Equal("http://start.test/health/ready", put.Json.GetProperty("health").GetProperty("ready").GetString());
    }

    [Fact]
    public async Task WithoutAnyProbeTheInstanceStillRegistersSoonAfterStart()
    {
        await using var platform = await FakePlatform.StartedAsync();
        await using var service = await Probe.StartWebAsync(new Dictionary<string, string?>
        {
            ["GoldenPath__Service__InstanceId"] = "start-2",
            ["GoldenPath__Platform__Url"] = platform.Url,
            ["GoldenPath__Platform__AdvertisedUrl"] = "http://start.test",
        });

        // Nothing asks /health/ready: the registration goes out MaxFirstRegistrationDelay (2 s) after start all the same.
        await Poll.UntilAsync(() => Task.FromResult(platform.Count("PUT", "/instances/start-2") >= 1), TimeSpan.FromSeconds(30),
            () => $"the registration without a probe (calls: {string.Join(", ", platform.Calls.Select(c => $"{c.Method} {c.Path}"))})");
        var put = platform.Calls.First(c => c.Method == "PUT" && c.Path.EndsWith("/instances/start-2", StringComparison.Ordinal));
        Assert.Equal("Healthy", put.Json.GetProperty("status").GetString());
    }
}
