using GoldenPath.Catalog.Client;
using GoldenPath.Catalog.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>The SDK's registration and the typed client against the real platform: one contract, both ends.</summary>
public sealed class SdkAgainstPlatformTests(SqliteStore store) : IClassFixture<SqliteStore>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AServiceWithTheGoldenPathRegistersItselfInThePlatformsCatalogWithItsTeamsInstancesToken()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var platform = handle.App;
        var token = await platform.TokenAsync("team-orders", "instances:write");
        var reader = new PlatformClient(platform.Client(await platform.TokenAsync("team-orders", "read")));
        await using var service = await StartServiceAsync(platform, "orders-api", token);

        var described = await RegisteredAsync(reader, "orders-api");

        Assert.Equal(("team-orders", "commerce", "production"), (described.Owner, described.System, described.Lifecycle));
        Assert.Equal([new ServiceDependency("orders-db", "postgres")], described.DependsOn);
        var instance = Assert.Single(described.Instances);
        Assert.Equal("http://orders-api.commerce:8080/health/ready", instance.Health.Ready);
        Assert.Equal("Healthy", instance.Status);

        await service.StopAsync(Ct);
        Assert.Empty((await reader.GetServiceAsync("orders-api", Ct))!.Instances);
    }

    [Fact]
    public async Task TheClientListsACatalogLargerThanThePlatformsPageByFollowingItsNextLinks()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow), new() { ["GoldenPath:Platform:MaxPageSize"] = "10" });
        var admin = new PlatformClient(handle.App.Admin);
        var prefix = $"page-{Guid.NewGuid().ToString("N")[..8]}";
        var names = Enumerable.Range(0, 25).Select(i => $"{prefix}-{i:00}").ToList();
        foreach (var name in names)
        {
            await admin.UpsertServiceAsync(name, new ServiceUpsertRequest("team-paging", "production"), Ct);
        }

        var listed = await admin.ListServicesAsync(Ct);

        Assert.Equal(names, listed.Select(s => s.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(listed.Count, listed.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task WhatTheTeamWroteInTheCatalogSurvivesItsServicesRestarts()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var platform = handle.App;
        var name = $"pay-{Guid.NewGuid().ToString("N")[..8]}";
        // The team's CI token, which could rewrite the entry: the registration must not use that power.
        var token = await platform.TokenAsync("team-orders", "catalog:write");
        var team = new PlatformClient(platform.Client(token));
        await using (var first = await StartServiceAsync(platform, name, token))
        {
            await RegisteredAsync(team, name);
            await first.StopAsync(Ct);
        }

        await team.UpsertServiceAsync(name, new ServiceUpsertRequest("team-orders", "production", "commerce", Description: "Takes payments.",
            Tags: ["payments"], Links: [new GoldenPath.Catalog.EntityLink("https://runbooks.example.com/pay", "Runbook")], ProvidesApis: [$"{name}-api"], ConsumesApis: ["users-api"],
            ApiDefinitions: [new ApiDefinition($"{name}-api", "openapi", "openapi: 3.0.0\ninfo:\n  title: Pay\n  version: '1'\npaths: {}\n")]), Ct);
        var written = (await team.GetServiceAsync(name, Ct))!;
        await using (var restarted = await StartServiceAsync(platform, name, token))
        {
            var after = await RegisteredAsync(team, name);

            Assert.Equal(["payments"], after.Tags);
            Assert.Equal("https://runbooks.example.com/pay", Assert.Single(after.Links).Url);
            Assert.Equal([$"{name}-api"], after.ProvidesApis);
            Assert.Equal(["users-api"], after.ConsumesApis);
            Assert.Equal($"{name}-api", Assert.Single(after.ApiDefinitions).Name);
            Assert.Equal(("Takes payments.", written.UpdatedAt), (after.Description, after.UpdatedAt));
            await restarted.StopAsync(Ct);
        }
    }

    private static async Task<WebApplication> StartServiceAsync(PlatformApp platform, string name, string token)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration["GoldenPath:Service:Name"] = name;
        builder.Configuration["GoldenPath:Service:Owner"] = "team-orders";
        builder.Configuration["GoldenPath:Service:System"] = "commerce";
        builder.Configuration["GoldenPath:Service:Lifecycle"] = "production";
        builder.Configuration["GoldenPath:Platform:Url"] = platform.Anonymous.BaseAddress!.ToString();
        builder.Configuration["GoldenPath:Platform:Token"] = token;
        builder.Configuration["GoldenPath:Platform:AdvertisedUrl"] = $"http://{name}.commerce:8080";
        builder.Configuration["ConnectionStrings:orders-db"] = "Host=db;Database=orders;Username=orders;Password=secret";
        builder.AddGoldenPath();
        var service = builder.Build();
        service.MapGoldenPath();
        await service.StartAsync(Ct);
        return service;
    }

    /// <summary>The service's catalog entry once it has a live instance.</summary>
    private static async Task<ServiceDescription> RegisteredAsync(PlatformClient client, string name)
    {
        ServiceDescription? described;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((described = await client.GetServiceAsync(name, Ct)) is not { Instances.Count: > 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"{name} did not register within 15 s.");
            await Task.Delay(100, Ct);
        }

        return described;
    }

    [Fact]
    public async Task TheTypedClientCoversDeploymentsIncidentsDoraScorecardsAndEnvironments()
    {
        await using var handle = await store.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero)));
        var platform = handle.App;
        var admin = new PlatformClient(platform.Admin);
        var created = await admin.CreateTokenAsync(new TokenRequest("team-pay", ["catalog:write", "deployments:write", "incidents:write"], "ci"), Ct);
        var client = new PlatformClient(platform.Client(created.Token));
        await client.UpsertServiceAsync("pay-api", new ServiceUpsertRequest("team-pay", "production", "payments"), Ct);

        var at = new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero);
        var deployment = await client.ReportDeploymentAsync(new DeploymentEvent("pay-1", "pay-api", "prod", "1.0.0", "c0ffee", at.AddMinutes(-3), at, "success", [new DeployedCommit("c0ffee", at.AddHours(-5))]), Ct);
        var incident = await client.OpenIncidentAsync(new IncidentRequest("pay-api", "prod", "Timeouts", at.AddHours(1), DeploymentId: "pay-1"), Ct);
        var resolved = await client.PatchIncidentAsync(incident.IncidentId, new IncidentPatch(ResolvedAt: at.AddHours(2)), Ct);
        var dora = await client.GetDoraAsync(service: "pay-api", cancellationToken: Ct);
        var scorecard = await client.GetScorecardAsync("pay-api", Ct);
        var environment = await client.RequestEnvironmentAsync(new EnvironmentRequest("team-pay", "dev", "2", "4Gi"), Ct);
        var conflict = await Assert.ThrowsAsync<PlatformApiException>(() => client.ReportDeploymentAsync(new DeploymentEvent("pay-1", "pay-api", "prod", "2.0.0", "beef", at, at, "success"), Ct));

        Assert.Equal("regular", deployment.Type);
        Assert.Equal(at.AddHours(2), resolved.ResolvedAt);
        Assert.Equal((1.0, 1.0), (dora.ChangeFailureRate.Value, dora.FailedDeploymentRecoveryTime.Value));
        Assert.Equal(11, scorecard.Total);
        Assert.Equal("team-pay-dev", environment.Namespace);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("already reported with different content", conflict.Problem!.Detail, StringComparison.Ordinal);
        Assert.Single(await client.ListDeploymentsAsync("pay-api", cancellationToken: Ct));
    }
}
