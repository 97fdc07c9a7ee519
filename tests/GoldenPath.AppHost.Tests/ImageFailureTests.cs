using System.Collections.Concurrent;
using Aspire.Hosting.Testing;
using GoldenPath.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoldenPath.AppHost.Tests;

/// <summary>A container image that cannot be pulled is reported in the app host's own log (its console), with the fix.</summary>
public sealed class ImageFailureTests
{
    [Fact]
    public async Task AnImageThatCannotBePulledIsReportedInTheAppHostsConsoleWithTheSettingThatFixesIt()
    {
        await DockerEngine.RequireAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GoldenPath_AppHost>(
            ["GOLDENPATH_REDIS_IMAGE=goldenpath.invalid/absent:1"], timeout.Token);
        var captured = new CapturingLoggerProvider();
        builder.Services.AddLogging(logging => logging.AddProvider(captured));
        await using var app = await builder.BuildAsync(timeout.Token);

        await app.StartAsync(timeout.Token);
        string? report = null;
        while (report is null)
        {
            timeout.Token.ThrowIfCancellationRequested();
            report = captured.Messages.Where(m => m.Category == "GoldenPath.Hosting" && m.Level == LogLevel.Error).Select(m => m.Text).FirstOrDefault();
            await Task.Delay(250, timeout.Token);
        }

        Assert.Contains("'cache'", report, StringComparison.Ordinal);
        Assert.Contains("goldenpath.invalid/absent:1", report, StringComparison.Ordinal);
        Assert.Contains("./build.sh prereqs", report, StringComparison.Ordinal);
        Assert.Contains("GOLDENPATH_REDIS_IMAGE", report, StringComparison.Ordinal);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<(string, LogLevel, string)> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
