using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace GoldenPath.Tests;

/// <summary>
/// Loopback ports for a process a test starts that must be told its port (Prometheus, Backstage, a native service).
/// A port is picked by binding port 0 and releasing it, so another process can take it before the started one binds
/// it: <see cref="StartAsync{T}"/> starts again on a new port when that happens. Within this test process no port is
/// handed out twice.
/// </summary>
internal static class LoopbackPort
{
    private const int Attempts = 5;
    private static readonly ConcurrentDictionary<int, byte> Given = new();

    /// <summary>A loopback port nothing listened on a moment ago and that this test process has not handed out before.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.TryAdd(port, 0))
            {
                return port;
            }
        }
    }

    /// <summary>
    /// Starts something on a new port (<see cref="Next"/>) and, when it throws <see cref="PortTakenException"/> (the port
    /// was taken between the pick and its bind), again on another one, at most five times.
    /// </summary>
    public static async Task<T> StartAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Next());
            }
            catch (PortTakenException) when (attempt < Attempts)
            {
            }
        }
    }

    /// <summary>Whether a process's output says it could not bind its port because something else holds it.</summary>
    public static bool SaysPortTaken(string output) =>
        output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || output.Contains("EADDRINUSE", StringComparison.Ordinal);
}

/// <summary>The port a test picked was taken by another process before the started one could bind it.</summary>
internal sealed class PortTakenException(int port, string output) : Exception($"Port {port} was taken before the process could bind it:\n{output}")
{
    public int Port { get; } = port;
}
