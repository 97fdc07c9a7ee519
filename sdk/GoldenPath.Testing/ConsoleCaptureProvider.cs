using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace GoldenPath.Testing;

/// <summary>
/// A logger provider that formats each entry exactly as the service's console logger does — the
/// <see cref="ConsoleFormatter"/> named by its <see cref="ConsoleLoggerOptions.FormatterName"/>, with the logger
/// factory's scopes — and keeps the text instead of writing it to standard output, which a test in the same
/// process cannot read. The console logger's own writer is not replaceable, hence this small copy of its
/// <c>Log</c> method.
/// </summary>
internal sealed class ConsoleCaptureProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, ConsoleCapture capture)
    : ILoggerProvider, ISupportExternalScope
{
    private readonly ConsoleFormatter[] _formatters = [.. formatters];
    private readonly ConsoleCapture _capture = capture;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private ConsoleFormatter Formatter
    {
        get
        {
            var name = options.CurrentValue.FormatterName ?? ConsoleFormatterNames.Simple;
            return _formatters.FirstOrDefault(f => f.Name == name)
                ?? throw new InvalidOperationException($"The console logger is set to the formatter '{name}', which is not registered.");
        }
    }

    private sealed class CaptureLogger(ConsoleCaptureProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            using var writer = new StringWriter();
            provider.Formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, writer);
            provider._capture.Add(writer.ToString());
        }
    }
}
