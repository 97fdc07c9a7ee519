using System.Net;
using System.Net.Sockets;
using GoldenPath.Tests;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>The ports the Prometheus fixture (and Backstage's, a native service's) are started on.</summary>
public sealed class LoopbackPortTests
{
    [Fact]
    public async Task AProcessWhosePortWasTakenBetweenPickAndBindIsStartedAgainOnAnotherPort()
    {
        var tried = new List<int>();
        var listeners = new List<TcpListener>();
        try
        {
            var started = await LoopbackPort.StartAsync(port =>
            {
                tried.Add(port);
                if (tried.Count == 1)
                {
                    // Another process binds the port after it was picked and before the started one binds it.
                    var intruder = new TcpListener(IPAddress.Loopback, port);
                    listeners.Add(intruder);
                    intruder.Start();
                }

                var listener = new TcpListener(IPAddress.Loopback, port);
                listeners.Add(listener);
                try
                {
                    listener.Start();
                }
                catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    throw new PortTakenException(port, exception.Message);
                }

                return Task.FromResult(listener);
            });

            Assert.Equal(2, tried.Count);
            Assert.NotEqual(tried[0], tried[1]);
            Assert.Equal(tried[1], ((IPEndPoint)started.LocalEndpoint).Port);
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void NoPortIsHandedOutTwiceInOneTestRun()
    {
        var ports = Enumerable.Range(0, 300).Select(_ => LoopbackPort.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
