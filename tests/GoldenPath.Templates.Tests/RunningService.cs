using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace GoldenPath.Templates.Tests;

/// <summary>A generated service running as its own process: a client of its listener, and what it wrote.</summary>
internal sealed class RunningService(HttpClient client, Process process, StringBuilder output)
{
    public HttpClient Client { get; } = client;

    /// <summary>
    /// Waits for the first line of the service's output that holds <paramref name="text"/> and <paramref name="also"/>
    /// (e.g. a request's trace id), and parses it as JSON: in Production each log line is one JSON object.
    /// </summary>
    public async Task<JsonElement> LogLineAsync(string text, string also = "")
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string[] lines;
            lock (output)
            {
                lines = output.ToString().Split('\n');
            }

            var line = lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal) && l.Contains(also, StringComparison.Ordinal));
            if (line is not null)
            {
                try
                {
                    using var json = JsonDocument.Parse(line);
                    return json.RootElement.Clone();
                }
                catch (JsonException exception)
                {
                    throw new Xunit.Sdk.XunitException($"The service's log line is not JSON ({exception.Message}): {line}");
                }
            }

            Assert.False(process.HasExited, $"The service exited before it logged '{text}':\n{string.Join('\n', lines)}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"No line with '{text}' {also} on the service's output within 20 s:\n{string.Join('\n', lines)}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
