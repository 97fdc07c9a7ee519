using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace GoldenPath.Backstage.Tests;

/// <summary>
/// A real Backstage backend (<c>@backstage/backend-defaults</c> with the catalog plugin and the GoldenPath module, from
/// integrations/backstage/dev) run by Node as its own process, configured by dev/app-config.yaml and environment variables.
/// </summary>
internal sealed class BackstageBackend : IAsyncDisposable
{
    /// <summary>The static token the backend accepts for reading its catalog API (backend.auth.externalAccess).</summary>
    private const string ReadToken = "backstage-test-read-token-0123456789";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private BackstageBackend(Process process, Uri address)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReadToken);
    }

    /// <summary>A client of the backend, with the read token.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts the backend against <paramref name="platform"/> with <paramref name="platformToken"/>, reading the platform every <paramref name="refreshSeconds"/>.</summary>
    public static async Task<BackstageBackend> StartAsync(Uri platform, string platformToken, int refreshSeconds)
    {
        await BackstageModule.BuildAsync();
        return await LoopbackPort.StartAsync(port => StartOnAsync(platform, platformToken, refreshSeconds, port));
    }

    private static async Task<BackstageBackend> StartOnAsync(Uri platform, string platformToken, int refreshSeconds, int port)
    {
        var start = new ProcessStartInfo("node", ["dist/dev/index.js", "--config", "dev/app-config.yaml"])
        {
            WorkingDirectory = BackstageModule.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NODE_ENV"] = "development";
        start.Environment["BACKSTAGE_BASE_URL"] = $"http://127.0.0.1:{port}";
        start.Environment["BACKSTAGE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["BACKSTAGE_READ_TOKEN"] = ReadToken;
        start.Environment["GOLDENPATH_PLATFORM_URL"] = platform.GetLeftPart(UriPartial.Authority);
        start.Environment["GOLDENPATH_PLATFORM_TOKEN"] = platformToken;
        start.Environment["GOLDENPATH_REFRESH_SECONDS"] = refreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = new Process { StartInfo = start };
        var backend = new BackstageBackend(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { backend._output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { backend._output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await backend.WaitUntilReadyAsync(port);
        }
        catch
        {
            await backend.DisposeAsync();
            throw;
        }

        return backend;
    }

    /// <summary>Every entity of the catalog, as Backstage's catalog API answers them.</summary>
    public async Task<IReadOnlyList<JsonElement>> EntitiesAsync()
    {
        using var response = await Http.GetAsync("/api/catalog/entities", TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/catalog/entities answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}\n{this}");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the catalog's entities; returns them and how long it took.</summary>
    public async Task<(IReadOnlyList<JsonElement> Entities, TimeSpan Took)> UntilAsync(Func<IReadOnlyList<JsonElement>, bool> condition, TimeSpan timeout, string what)
    {
        IReadOnlyList<JsonElement> entities = [];
        var took = await Poll.UntilAsync(
            async () =>
            {
                Assert.False(_process.HasExited, $"The Backstage backend exited with {(_process.HasExited ? _process.ExitCode : 0)}.\n{this}");
                entities = await EntitiesAsync();
                return condition(entities);
            },
            timeout, () => $"{what}.\nBackstage has: {string.Join(", ", entities.Select(Reference))}\n{this}", TimeSpan.FromMilliseconds(250));
        return (entities, took);
    }

    /// <summary>kind:name, lowercase, as Backstage writes a reference in the default namespace.</summary>
    public static string Reference(JsonElement entity) =>
        $"{entity.GetProperty("kind").GetString()!.ToLowerInvariant()}:{entity.GetProperty("metadata").GetProperty("name").GetString()}";

    private Task WaitUntilReadyAsync(int port) => Poll.UntilAsync(
        async () =>
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw LoopbackPort.SaysPortTaken(ToString())
                    ? new PortTakenException(port, ToString())
                    : new Xunit.Sdk.XunitException($"The Backstage backend exited with {_process.ExitCode} before it was ready.\n{this}");
            }

            using var ready = await Http.GetAsync("/.backstage/health/v1/readiness", TestContext.Current.CancellationToken);
            return ready.IsSuccessStatusCode;
        },
        TimeSpan.FromSeconds(90), () => $"the Backstage backend ready\n{this}", TimeSpan.FromMilliseconds(200));

    public override string ToString() => $"Backstage output:\n{string.Join('\n', _output.TakeLast(40))}";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
