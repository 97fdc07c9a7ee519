using System.Diagnostics;
using System.Net;
using DotNet.Testcontainers.Containers;
using GoldenPath.Testing;
using Microsoft.Extensions.Hosting;

namespace GoldenPath.ServiceDefaults.Tests;

internal static class ReadinessConfiguration
{
    public static Dictionary<string, string?> For(string name, string connectionString) => new()
    {
        [$"ConnectionStrings:{name}"] = connectionString,
        ["GoldenPath:Health:CheckTimeout"] = DependencyReadiness.CheckTimeout.ToString(),
        ["GoldenPath:Health:CacheDuration"] = "00:00:00",
    };
}

public sealed class PostgresReadinessTests(PostgreSqlContainerFixture postgres) : IClassFixture<PostgreSqlContainerFixture>
{
    [Fact]
    public async Task ReadinessFollowsARealPostgreSqlServerWhileLivenessStaysUp()
    {
        var container = await postgres.GetContainerAsync();
        await using var app = await TestApp.StartAsync(
            ReadinessConfiguration.For("db", await postgres.GetConnectionStringAsync()),
            configure: b => b.AddGoldenPathPostgresReadiness("db"));

        await DependencyReadiness.ProveAsync(app, container, "postgres-db");
    }
}

public sealed class RedisReadinessTests(RedisContainerFixture redis) : IClassFixture<RedisContainerFixture>
{
    [Fact]
    public async Task ReadinessFollowsARealRedisServerWhileLivenessStaysUp()
    {
        var container = await redis.GetContainerAsync();
        await using var app = await TestApp.StartAsync(
            ReadinessConfiguration.For("cache", await redis.GetConnectionStringAsync()),
            configure: b => b.AddGoldenPathRedisReadiness("cache"));

        await DependencyReadiness.ProveAsync(app, container, "redis-cache");
    }
}

internal static class DependencyReadiness
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    public static async Task ProveAsync(TestApp app, IContainer container, string checkName)
    {
        var ct = TestContext.Current.CancellationToken;
        await Poll.UntilAsync(async () => (await app.Client.GetAsync("/health/ready", ct)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), $"{checkName} ready while the server runs");

        await container.PauseAsync(ct);
        try
        {
            var watch = Stopwatch.StartNew();
            using var ready = await app.Client.GetAsync("/health/ready", ct);
            watch.Stop();
            var body = await ready.Content.ReadAsStringAsync(ct);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains($"\"{checkName}\":{{\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
            Assert.True(watch.Elapsed < CheckTimeout + TimeSpan.FromSeconds(3), $"readiness answered after {watch.Elapsed}, the check timeout is {CheckTimeout}");
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/live", ct)).StatusCode);
        }
        finally
        {
            await container.UnpauseAsync(ct);
        }

        await Poll.UntilAsync(async () => (await app.Client.GetAsync("/health/ready", ct)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), $"{checkName} ready again after the server came back");
    }
}
