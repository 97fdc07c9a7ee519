using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed class ServiceInfoAndErrorsTests
{
    [Fact]
    public async Task ServiceInfoShowsThePublicIdentityOfTheInstanceAndNoConfiguration()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["GoldenPath:Service:Version"] = "1.2.3",
            ["GoldenPath:Service:Commit"] = "abc1234",
            ["GoldenPath:Service:InstanceId"] = "orders-7d9-x",
            ["GoldenPath:Platform:Token"] = "t0ken-s3cret",
            ["ConnectionStrings:db"] = "Host=db;Password=s3cret",
        });

        using var response = await app.Client.GetAsync("/.well-known/service-info", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        var info = json.RootElement;
        Assert.Equal("servicedefaults-tests", info.GetProperty("name").GetString());
        Assert.Equal("team-platform", info.GetProperty("owner").GetString());
        Assert.Equal("goldenpath", info.GetProperty("system").GetString());
        Assert.Equal("production", info.GetProperty("lifecycle").GetString());
        Assert.Equal("1.2.3", info.GetProperty("version").GetString());
        Assert.Equal("abc1234", info.GetProperty("commit").GetString());
        Assert.Equal("production", info.GetProperty("environment").GetString());
        Assert.Equal("orders-7d9-x", info.GetProperty("instanceId").GetString());
        Assert.Equal("0.1.0", info.GetProperty("sdkVersion").GetString());
        // Embedded at build from the .goldenpath.json beside catalog-info.yaml.
        Assert.Equal(("platform-api", "0.1.0"), (info.GetProperty("template").GetString(), info.GetProperty("templateVersion").GetString()));
        Assert.DoesNotContain("s3cret", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnhandledExceptionInProductionIsAProblemWithTheTraceIdAndNoStackTrace()
    {
        await using var app = await TestApp.StartAsync(map: a => a.MapGet("/boom", string () => throw new InvalidOperationException("db password is s3cret")));

        using var response = await app.Client.GetAsync("/boom", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(500, json.RootElement.GetProperty("status").GetInt32());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", json.RootElement.GetProperty("traceId").GetString());
        Assert.DoesNotContain("s3cret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidSettingStopsStartUpWithTheSettingItsValueAndTheRange()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(new()
        {
            ["GoldenPath:Health:CheckTimeout"] = "00:10:00",
            ["GoldenPath:Platform:Url"] = "ftp://platform",
        }));

        Assert.Contains("GoldenPath:Health:CheckTimeout is 00:10:00; it must be between 00:00:00.0100000 and 00:05:00.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("GoldenPath:Platform:Url 'ftp://platform/' is not an absolute http(s) URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInvalidServiceNameFromConfigurationStopsStartUpWithASuggestion()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(new() { ["OTEL_SERVICE_NAME"] = "Orders_API" }));

        Assert.Contains("'Orders_API' is not a lowercase RFC 1123 label", error.Message, StringComparison.Ordinal);
        Assert.Contains("use e.g. 'orders-api'", error.Message, StringComparison.Ordinal);
        Assert.Contains("OTEL_SERVICE_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapGoldenPathWithoutAddGoldenPathSaysWhatIsMissing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGoldenPath());

        Assert.Contains("call builder.AddGoldenPath() before builder.Build()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CallingAddGoldenPathTwiceIsSafe()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(TestApp).Assembly.GetName().Name, EnvironmentName = "Production" });

        builder.AddGoldenPath().AddGoldenPath();
        using var host = builder.Build();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(ServiceInfo));
        Assert.Single(builder.Services, d => d.ImplementationType == typeof(GoldenPath.ServiceDefaults.Registration.RegistrationStatus));
    }

    [Fact]
    public async Task TheOptionsAreBoundAndConfiguredOnceAndAreTheOnesTheServicesRead()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(TestApp).Assembly.GetName().Name, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection([new("GoldenPath:Health:CheckTimeout", "00:00:03")]);
        var configured = new List<GoldenPathOptions>();

        builder.AddGoldenPath(options =>
        {
            configured.Add(options);
            options.Platform.HeartbeatInterval = TimeSpan.FromSeconds(7);
        });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var served = host.Services.GetRequiredService<IOptions<GoldenPathOptions>>().Value;
        var monitored = host.Services.GetRequiredService<IOptionsMonitor<GoldenPathOptions>>().CurrentValue;
        await host.StopAsync(TestContext.Current.CancellationToken);

        var once = Assert.Single(configured);
        Assert.Same(once, served);
        Assert.Same(once, monitored);
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7)), (served.Health.CheckTimeout, served.Platform.HeartbeatInterval));
    }

    [Fact]
    public void TheExportersTimeoutIsSetOnTheExporterNotWrittenIntoTheAppsConfiguration()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(TestApp).Assembly.GetName().Name, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection([
            new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            new("GoldenPath:Telemetry:ShutdownTimeout", "00:00:02"),
        ]);
        var sourcesBefore = builder.Configuration.Sources.Count;

        builder.AddGoldenPath();
        using var host = builder.Build();

        Assert.Null(builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"]);
        Assert.Equal(sourcesBefore, builder.Configuration.Sources.Count);
        Assert.Equal(2000, host.Services.GetRequiredService<IOptionsMonitor<OpenTelemetry.Exporter.OtlpExporterOptions>>().CurrentValue.TimeoutMilliseconds);
    }

    [Fact]
    public void AnExporterTimeoutTheOperatorSetWinsOverTheShutdownBudget()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(TestApp).Assembly.GetName().Name, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection([
            new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
            new("OTEL_EXPORTER_OTLP_TIMEOUT", "1234"),
            new("GoldenPath:Telemetry:ShutdownTimeout", "00:00:02"),
        ]);

        builder.AddGoldenPath();
        using var host = builder.Build();

        Assert.Equal(1234, host.Services.GetRequiredService<IOptionsMonitor<OpenTelemetry.Exporter.OtlpExporterOptions>>().CurrentValue.TimeoutMilliseconds);
    }

    [Fact]
    public void TheVariablesTheAppHostAndTheManifestsSetAreTheOnesAddGoldenPathBinds()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(TestApp).Assembly.GetName().Name, EnvironmentName = "Production" });
        // As environment variables: the configuration's environment provider turns "__" into ":".
        var variables = new Dictionary<string, string?>
        {
            [GoldenPath.Catalog.GoldenPathConfigurationKeys.PlatformUrl] = "http://platform.test:8080",
            [GoldenPath.Catalog.GoldenPathConfigurationKeys.PlatformToken] = "gpt_team-token",
            [GoldenPath.Catalog.GoldenPathConfigurationKeys.PlatformHeartbeatInterval] = "00:00:10",
        };
        builder.Configuration.AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)));

        builder.AddGoldenPath();
        using var host = builder.Build();

        var platform = host.Services.GetRequiredService<IOptions<GoldenPathOptions>>().Value.Platform;
        Assert.Equal((new Uri("http://platform.test:8080"), "gpt_team-token", TimeSpan.FromSeconds(10)), (platform.Url, platform.Token, platform.HeartbeatInterval));
    }
}
