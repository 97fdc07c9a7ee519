using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GoldenPath.Catalog;
using GoldenPath.Testing;

namespace GoldenPath.Templates.Tests;

/// <summary>
/// Each variant as a team would use it: <c>dotnet new</c>, <c>dotnet build -warnaserror</c>, <c>dotnet test</c>
/// (the generated tests, containers included), then the service started on its own and probed.
/// </summary>
[Collection(TemplatePackCollection.Name)]
public sealed class GeneratedServiceTests(TemplatePack pack)
{
    public static readonly TheoryData<string, string, string[]> Variants = new()
    {
        { "platform-api", "orders-api", [] },
        { "platform-api", "catalog-api", ["--system", "shop", "--lifecycle", "production", "--description", "Serves the \"catalog\": products, prices \\ stock."] },
        { "platform-api", "ledger-api", ["--database", "postgres"] },
        { "platform-api", "prices-api", ["--cache", "redis"] },
        { "platform-api", "stock-api", ["--database", "postgres", "--cache", "redis"] },
        { "platform-worker", "mailer", [] },
        { "platform-worker", "invoicer", ["--database", "postgres", "--cache", "redis"] },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task TheOutputBuildsPassesItsTestsAndRuns(string template, string name, string[] options)
    {
        var usesPostgres = options.Contains("postgres");
        var usesRedis = options.Contains("redis");
        if (usesPostgres || usesRedis)
        {
            await DockerEngine.RequireAsync();
        }

        // The defaults restore through the template's own post-action; the others restore in the build.
        var restoreByTemplate = options.Length == 0 && template == "platform-api";
        string[] all = ["--owner", "team-payments", .. options, .. restoreByTemplate ? Array.Empty<string>() : ["--skip-restore"]];
        var repository = await pack.CreateAsync(template, name, all);
        if (restoreByTemplate)
        {
            // dotnet new exits 0 even when its restore fails: read what it said.
            Assert.Contains("Restore succeeded.", repository.CreationOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("Restore failed", repository.CreationOutput, StringComparison.Ordinal);
        }

        var build = await repository.DotNetAsync("build", "-warnaserror");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Contains(" 0 Warning(s)", build.Output, StringComparison.Ordinal);

        var test = await repository.DotNetAsync("test", "--no-build");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("failed: 0", test.Output, StringComparison.Ordinal);
        Assert.Contains("skipped: 0", test.Output, StringComparison.Ordinal);

        var identity = ReadIdentity(repository);
        Assert.Equal(name, identity.Name);
        Assert.Equal("team-payments", identity.Owner);
        await using var postgres = new PostgreSqlContainerFixture();
        await using var redis = new RedisContainerFixture();
        var settings = new Dictionary<string, string?>();
        if (usesPostgres)
        {
            await postgres.InitializeAsync();
            settings["ConnectionStrings__db"] = await postgres.GetConnectionStringAsync();
        }

        if (usesRedis)
        {
            await redis.InitializeAsync();
            settings["ConnectionStrings__cache"] = await redis.GetConnectionStringAsync();
        }

        await repository.RunServiceAsync(settings, async service =>
        {
            var client = service.Client;
            using var info = JsonDocument.Parse(await client.GetStringAsync("/.well-known/service-info", Ct));
            Assert.Equal(name, info.RootElement.GetProperty("name").GetString());
            Assert.Equal(identity.Owner, info.RootElement.GetProperty("owner").GetString());
            Assert.Equal(identity.System, info.RootElement.GetProperty("system").GetString());
            Assert.Equal(identity.Lifecycle, info.RootElement.GetProperty("lifecycle").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);

            // Production logs on standard output, as a log collector reads them: JSON lines with the trace and the scopes.
            if (template == "platform-api")
            {
                var traceId = ActivityTraceId.CreateRandom().ToHexString();
                using var post = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = JsonContent.Create(new { name = "from the test" }) };
                post.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
                using var created = await client.SendAsync(post, Ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var item = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

                var line = await service.LogLineAsync($"Added item {item}");
                Assert.Equal(traceId, line.GetProperty("trace_id").GetString());
                Assert.Equal(name, line.GetProperty("service.name").GetString());
                Assert.Contains(line.GetProperty("scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestPath", out var path) && path.GetString() == "/api/items");
            }
            else
            {
                using var status = await client.GetAsync("/work/status", Ct);
                Assert.Equal(HttpStatusCode.OK, status.StatusCode);

                // Without Redis the scheduled work runs once at start; with Redis the worker takes items from its stream.
                var workItem = "scheduled-";
                if (usesRedis)
                {
                    await using var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await redis.GetConnectionStringAsync());
                    workItem = (await redisClient.GetDatabase().StreamAddAsync("work", "payload", "from the test")).ToString();
                }

                var line = await service.LogLineAsync($"Processed work item {workItem}");
                Assert.Equal(name, line.GetProperty("service.name").GetString());
                var workItemId = line.GetProperty("attributes").GetProperty("WorkItemId").GetString();
                Assert.Contains(line.GetProperty("scopes").EnumerateArray(), s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("WorkItemId", out var id) && id.GetString() == workItemId);
            }

            return true;
        });
    }

    /// <summary>
    /// <c>--aot</c>: the same generated tests pass, <c>dotnet publish</c> makes a native executable with no trimming or AOT
    /// warning, and that executable serves (identity, health, its endpoint's JSON, production logs). The slowest test of
    /// the suite: a Native AOT compilation per template, 7-8 minutes on two cores shared with other builds.
    /// </summary>
    [Theory]
    [InlineData("platform-api", "quotes-api")]
    [InlineData("platform-worker", "notifier")]
    [InlineData("platform-worker", "relay", "--cache", "redis")]
    public async Task TheAotVariantPassesItsTestsPublishesNativeWithoutWarningsAndTheNativeServiceServes(string template, string name, params string[] options)
    {
        var usesRedis = options.Contains("redis");
        if (usesRedis)
        {
            await DockerEngine.RequireAsync();
        }

        var repository = await pack.CreateAsync(template, name, ["--owner", "team-payments", "--aot", "--skip-restore", .. options]);
        Assert.Contains("<PublishAot>true</PublishAot>", repository.Read($"src/{name}/{name}.csproj"), StringComparison.Ordinal);
        using (var record = JsonDocument.Parse(repository.Read(".goldenpath.json")))
        {
            Assert.Equal("true", record.RootElement.GetProperty("answers").GetProperty("aot").GetString(), ignoreCase: true);
        }

        var build = await repository.DotNetAsync("build", "-warnaserror");
        Assert.True(build.ExitCode == 0, build.ToString());
        var test = await repository.DotNetAsync("test", "--no-build");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("failed: 0", test.Output, StringComparison.Ordinal);
        Assert.Contains("skipped: 0", test.Output, StringComparison.Ordinal);

        var output = Path.Combine(repository.Directory, "artifacts", "aot");
        // A Native AOT compilation takes 1-2 minutes on two idle cores, and over 8 on two shared with other builds.
        var publish = await Processes.RunAsync("dotnet", ["publish", $"src/{name}", "-c", "Release", "-o", output, "-warnaserror", "-p:TrimmerSingleWarn=false"],
            repository.Directory, timeout: TimeSpan.FromMinutes(20));
        Assert.True(publish.ExitCode == 0, $"dotnet publish of the --aot output failed (Native AOT needs clang: ./build.sh prereqs installs it):\n{publish}");
        Assert.DoesNotMatch(@"warning (IL\d{4}|AOT\d{3})", publish.Output);
        Assert.False(File.Exists(Path.Combine(output, $"{name}.dll")), "the publish holds IL: it did not compile ahead of time");

        await using var redis = new RedisContainerFixture();
        var settings = new Dictionary<string, string?>();
        if (usesRedis)
        {
            await redis.InitializeAsync();
            settings["ConnectionStrings__cache"] = await redis.GetConnectionStringAsync();
        }

        await repository.RunServiceAsync(settings, async service =>
        {
            var client = service.Client;
            using var info = JsonDocument.Parse(await client.GetStringAsync("/.well-known/service-info", Ct));
            Assert.Equal(name, info.RootElement.GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
            if (usesRedis)
            {
                // The native worker consumes its stream (GoldenPath.Streams.Redis compiled ahead of time).
                await using var redisClient = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await redis.GetConnectionStringAsync());
                var entry = (await redisClient.GetDatabase().StreamAddAsync("work", "payload", "native")).ToString();
                var line = await service.LogLineAsync($"Processed work item {entry}");
                Assert.Equal(name, line.GetProperty("service.name").GetString());
            }
            else if (template == "platform-api")
            {
                using var created = await client.PostAsJsonAsync("/api/items", new { name = "native" }, Ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                var item = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
                var id = item.GetProperty("id").GetString();
                var read = await client.GetFromJsonAsync<JsonElement>($"/api/items/{id}", Ct);
                Assert.Equal("native", read.GetProperty("name").GetString());
                using var invalid = await client.PostAsJsonAsync("/api/items", new { name = "" }, Ct);
                Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
                var line = await service.LogLineAsync($"Added item {id}");
                Assert.Equal(name, line.GetProperty("service.name").GetString());
            }
            else
            {
                var status = await client.GetFromJsonAsync<JsonElement>("/work/status", Ct);
                Assert.True(status.TryGetProperty("processed", out _), status.ToString());
                var line = await service.LogLineAsync("Processed work item scheduled-");
                Assert.Equal(name, line.GetProperty("service.name").GetString());
            }

            return true;
        }, executable: Path.Combine(output, name));
    }

    [Fact]
    public async Task TheIdentityOptionsReachTheCatalogTheReadmeAndTheRecord()
    {
        const string description = "Serves the \"catalog\": products, prices \\ stock.";
        var repository = await pack.CreateAsync("platform-api", "catalog-api", "--owner", "team-shop", "--system", "shop", "--lifecycle", "production", "--description", description, "--skip-restore");

        var identity = ReadIdentity(repository);

        Assert.Equal(("catalog-api", "team-shop", "shop", "production", description), (identity.Name, identity.Owner, identity.System, identity.Lifecycle, identity.Description));
        Assert.Contains($"| System | shop |", repository.Read("README.md"), StringComparison.Ordinal);
        using var record = JsonDocument.Parse(repository.Read(".goldenpath.json"));
        Assert.Equal(description, record.RootElement.GetProperty("answers").GetProperty("description").GetString());
    }

    [Fact]
    public async Task TheAppHostPublishesManifestsThatPassThePolicyAndRunsTheServiceWithItsDatabaseAndCacheUnderTheDashboard()
    {
        await DockerEngine.RequireAsync();
        var repository = await pack.CreateAsync("platform-api", "basket-api", "--owner", "team-payments", "--database", "postgres", "--cache", "redis", "--skip-restore");
        var build = await repository.DotNetAsync("build", "-warnaserror");
        Assert.True(build.ExitCode == 0, build.ToString());

        // The pipeline's manifests and policy steps, run as .github/workflows/golden-path.yml runs them: the tools its
        // manifest pins (the Aspire CLI from NuGet, goldenpath from this pack's feed), the commands its lines say.
        // The CLI's home is the fixture's own, as a CI runner's is its own: the SDK remembers where it found a local
        // tool of a given version (~/.dotnet/toolResolverCache), and an earlier run's fixture folder is gone.
        var cliHome = new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = Path.Combine(pack.Root, "cli-home") };
        var restore = await Processes.RunAsync("dotnet", ["tool", "restore"], repository.Directory, cliHome);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var publish = await Processes.RunAsync("dotnet", WorkflowCommand(repository, "dotnet aspire publish "), repository.Directory,
            new Dictionary<string, string?>(cliHome) { ["GoldenPath__Kubernetes__ImageTag"] = "3f2c1e0" });
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.Contains("**Policy: passed**", repository.Read("deploy/goldenpath-report.md"), StringComparison.Ordinal);
        Assert.Contains("3f2c1e0", repository.Read("deploy/overlays/prod/kustomization.yaml"), StringComparison.Ordinal);
        var validate = await Processes.RunAsync("dotnet", WorkflowCommand(repository, "dotnet goldenpath manifests validate "), repository.Directory, cliHome);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        var prod = await Processes.RunAsync("kubectl", ["kustomize", "deploy/overlays/prod"], repository.Directory);
        Assert.True(prod.ExitCode == 0, prod.ToString());
        Assert.Contains("namespace: team-payments-prod", prod.Output, StringComparison.Ordinal);
        Assert.Contains("name: db-connection", prod.Output, StringComparison.Ordinal);

        // As `dotnet run` would, with the launch profile's settings, but on free ports and as its own process,
        // so that SIGTERM reaches the app host and it stops its containers.
        var servicePort = Json(repository.Read("src/basket-api/Properties/launchSettings.json"))
            .GetProperty("profiles").GetProperty("http").GetProperty("applicationUrl").GetString()!;
        var dashboard = $"http://localhost:{LoopbackPort.Next()}";
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = dashboard,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{LoopbackPort.Next()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{LoopbackPort.Next()}",
        };
        var appHost = Path.Combine(repository.Directory, "src", "basket-api.AppHost", "bin", "Debug", "net10.0", "basket-api.AppHost");
        var (process, output) = Processes.Start(Processes.StartInfo(appHost, [], Path.GetDirectoryName(appHost)!, environment));
        using var owned = process;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually(async () => (await client.GetAsync($"{dashboard}/", Ct)).IsSuccessStatusCode, "the dashboard answers", process, output);
            await Eventually(async () => (await client.GetAsync($"{servicePort}/health/ready", Ct)).StatusCode == HttpStatusCode.OK, "the service is ready behind the app host", process, output);
            using var created = await client.PostAsJsonAsync($"{servicePort}/api/items", new { name = "under the app host" }, Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(CancellationToken.None);
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The arguments of the one <c>run:</c> line of the generated workflow that starts with <paramref name="command"/>, after <c>dotnet</c>.</summary>
    private static string[] WorkflowCommand(GeneratedRepository repository, string command) =>
        repository.Read(".github/workflows/golden-path.yml").Split('\n').Select(line => line.Trim())
            .Single(line => line.StartsWith($"run: {command}", StringComparison.Ordinal))["run: dotnet ".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static (string Name, string Owner, string System, string Lifecycle, string? Description) ReadIdentity(GeneratedRepository repository)
    {
        var component = Assert.Single(CatalogInfoReader.Read(repository.Read("catalog-info.yaml")).OfType<ComponentEntity>());
        return (component.Metadata.Name, component.Spec.Owner, component.Spec.System!, component.Spec.Lifecycle, component.Metadata.Description);
    }

    private static Task Eventually(Func<Task<bool>> condition, string what, Process process, System.Text.StringBuilder output) =>
        Poll.UntilAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"The app host exited before {what}:\n{output}");
                return await condition();
            },
            TimeSpan.FromMinutes(3), () => $"{what}\n{output}", TimeSpan.FromMilliseconds(500));
}
