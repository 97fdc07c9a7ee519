using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace GoldenPath.Tests;

/// <summary>A real Prometheus run as a process on a free loopback port, with its own data folder; stopped and removed when disposed.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PrometheusServer(Process process, string folder, Uri address)
    {
        _process = process;
        _folder = folder;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>Starts Prometheus with a configuration (YAML) and rules files, evaluating rules every second; waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string configuration, IReadOnlyDictionary<string, string> ruleFiles)
    {
        var folder = Directory.CreateTempSubdirectory("goldenpath-prometheus-").FullName;
        foreach (var (name, content) in ruleFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), content, TestContext.Current.CancellationToken);
        }

        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, configuration, TestContext.Current.CancellationToken);
        return await LoopbackPort.StartAsync(port => StartOnAsync(folder, config, port));
    }

    private static async Task<PrometheusServer> StartOnAsync(string folder, string config, int port)
    {
        var start = new ProcessStartInfo(OnPath("prometheus"),
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    process.WaitForExit();
                    var said = string.Join('\n', output);
                    throw LoopbackPort.SaysPortTaken(said) ? new PortTakenException(port, said) : new InvalidOperationException($"Prometheus exited with {process.ExitCode}:\n{said}");
                }

                using var ready = await server.Http.GetAsync(new Uri("-/ready", UriKind.Relative), TestContext.Current.CancellationToken);
                return ready.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(30), () => $"Prometheus ready on port {port}\n{string.Join('\n', output)}", TimeSpan.FromMilliseconds(200));
            return server;
        }
        catch
        {
            await server.DisposeOwnedProcessAsync();
            throw;
        }
    }

    /// <summary>An instant query through <c>/api/v1/query</c>; returns the parsed answer (status, data or errorType/error).</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        using var response = await Http.PostAsync(new Uri("api/v1/query", UriKind.Relative),
            new FormUrlEncodedContent([new("query", expression)]), TestContext.Current.CancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    /// <summary>The value of the single series an instant query returns, or null when it returns none.</summary>
    public async Task<double?> ScalarAsync(string expression)
    {
        var answer = await QueryAsync(expression);
        var result = answer.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeOwnedProcessAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // the data folder of a killed Prometheus can hold a lock file for a moment; the temp folder is cleaned by the system
        }
    }

    /// <summary>A program on PATH; a test that needs it fails, never skips, when it is missing.</summary>
    public static string OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"'{name}' is not on PATH; the observability tests need it. Run ./build.sh prereqs (eng/prereqs-prometheus.sh installs prometheus and promtool).");

    private async Task DisposeOwnedProcessAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
