using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;

namespace GoldenPath.Tests;

/// <summary>
/// A service of this repository run as a real process (<c>dotnet Service.dll</c>, in Production, from its build
/// output), with its standard output and error kept line by line: what a container runtime and a log collector get.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ServiceProcess(Process process) => _process = process;

    /// <summary>A client of the service's listener (see <see cref="StartWebAsync(string, IEnumerable{string}, IReadOnlyDictionary{string, string?}, TimeSpan)"/>).</summary>
    public HttpClient Http { get; private set; } = new();

    public IReadOnlyList<string> StandardOutput => [.. _stdout];

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, for tests that signal the process themselves (SIGKILL).</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>The build output of a project of this repository, in the configuration the tests were built with.</summary>
    public static string BuildOutput(string projectFolder, string assemblyName) =>
        Path.Combine(Repository.Root, projectFolder, "bin",
            typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug",
            "net10.0", assemblyName);

    /// <summary>
    /// Starts a web service in Production on a loopback port of the system's choosing, and learns the port from
    /// Kestrel's own "Now listening on" line on standard output (so that line must be JSON, too).
    /// </summary>
    public static Task<ServiceProcess> StartWebAsync(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment) =>
        StartWebAsync(assembly, arguments, environment, TimeSpan.FromSeconds(60));

    /// <summary>As <see cref="StartWebAsync(string, IEnumerable{string}, IReadOnlyDictionary{string, string?})"/>, waiting up to <paramref name="listenTimeout"/> for the listener (a machine under load starts slowly).</summary>
    public static async Task<ServiceProcess> StartWebAsync(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan listenTimeout)
    {
        var service = Start(assembly, arguments, environment);
        JsonElement listening;
        try
        {
            listening = await service.LogLineAsync("Now listening on", timeout: listenTimeout);
        }
        catch
        {
            await service.DisposeAsync(); // a process that never listened must not outlive the test
            throw;
        }

        var address = listening.GetProperty("attributes").GetProperty("address").GetString()!;
        // The tests set traceparent themselves: the client injects none, or an activity listener elsewhere in the test
        // process (an in-process app's HttpClient instrumentation) would replace theirs with a trace of its own.
        service.Http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(10),
        };
        return service;
    }

    /// <summary>Starts <paramref name="assembly"/> with <paramref name="arguments"/> in Production.</summary>
    public static ServiceProcess Start(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet", [assembly, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { service._stdout.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { service._stderr.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 over HTTP.</summary>
    public Task WaitUntilReadyAsync() => UntilAsync(async () =>
    {
        Assert.False(_process.HasExited, $"The service exited with {(_process.HasExited ? _process.ExitCode : 0)} before it was ready.\n{this}");
        try
        {
            using var ready = await Http.GetAsync("/health/ready", TestContext.Current.CancellationToken);
            return ready.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, TimeSpan.FromSeconds(60), "the service to be ready");

    /// <summary>
    /// Waits for the first line of standard output that holds <paramref name="text"/> (and <paramref name="also"/>,
    /// e.g. a request's trace id, when given), and parses it as JSON.
    /// </summary>
    public async Task<JsonElement> LogLineAsync(string text, string? also = null, TimeSpan? timeout = null)
    {
        string? found = null;
        await UntilAsync(() =>
        {
            Assert.False(_process.HasExited && found is null && !_stdout.Any(l => l.Contains(text, StringComparison.Ordinal)),
                $"The service exited with {(_process.HasExited ? _process.ExitCode : 0)} before it wrote '{text}'.\n{this}");
            found = _stdout.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal) && (also is null || l.Contains(also, StringComparison.Ordinal)));
            return Task.FromResult(found is not null);
        }, timeout ?? TimeSpan.FromSeconds(20), $"a line with '{text}' on standard output");
        return Json(found!);
    }

    /// <summary>Parses one line of output as JSON, failing with the line when it is not.</summary>
    public static JsonElement Json(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new Xunit.Sdk.XunitException($"Not a JSON line ({exception.Message}): {line}");
        }
    }

    /// <summary>Sends SIGTERM, as Kubernetes does to stop a pod, and waits for the process to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(CancellationToken.None);
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        _process.WaitForExit(); // the last lines of output
    }

    private Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Poll.UntilAsync(condition, timeout, () => $"{what}\n{this}", TimeSpan.FromMilliseconds(50));

    public override string ToString() =>
        $"stdout:\n{string.Join('\n', _stdout.TakeLast(40))}\nstderr:\n{string.Join('\n', _stderr.TakeLast(20))}";

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
