using System.Diagnostics;
using System.Text.Json;
using GoldenPath.ServiceDefaults.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults.Tests;

public sealed partial class LoggingTests
{
    [Fact]
    public async Task OutsideDevelopmentTheConsoleWritesGoldenPathJson()
    {
        await using var app = await TestApp.StartAsync(environment: "Staging");

        Assert.Equal(GoldenPathJsonConsoleFormatter.FormatterName, app.App.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public async Task InDevelopmentTheConsoleIsReadableText()
    {
        await using var app = await TestApp.StartAsync(environment: "Development");

        Assert.Equal(ConsoleFormatterNames.Simple, app.App.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public async Task AJsonLineHasTheTimeLevelMessageTemplatePropertiesTraceAndService()
    {
        await using var app = await TestApp.StartAsync(new() { ["GoldenPath:Service:Version"] = "2.0.1", ["GoldenPath:Service:InstanceId"] = "i-1" });
        var formatter = app.App.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == GoldenPathJsonConsoleFormatter.FormatterName);
        using var source = new ActivitySource("servicedefaults-tests");
        using var activity = source.StartActivity("work")!;

        var line = Format(formatter, LogLevel.Warning, "Order {OrderId} took {Elapsed} ms", 1234, 56.5);

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.EndsWith("Z", root.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal("Warning", root.GetProperty("level").GetString());
        Assert.Equal("Orders.Checkout", root.GetProperty("category").GetString());
        Assert.Equal("Order 1234 took 56.5 ms", root.GetProperty("message").GetString());
        Assert.Equal("Order {OrderId} took {Elapsed} ms", root.GetProperty("template").GetString());
        Assert.Equal(1234, root.GetProperty("attributes").GetProperty("OrderId").GetInt32());
        Assert.Equal(56.5, root.GetProperty("attributes").GetProperty("Elapsed").GetDouble());
        Assert.Equal(activity.TraceId.ToHexString(), root.GetProperty("trace_id").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), root.GetProperty("span_id").GetString());
        Assert.Equal("servicedefaults-tests", root.GetProperty("service.name").GetString());
        Assert.Equal("2.0.1", root.GetProperty("service.version").GetString());
        Assert.Equal("i-1", root.GetProperty("service.instance.id").GetString());
        Assert.DoesNotContain('\n', line.TrimEnd());
    }

    [Fact]
    public async Task ScopesAreOneArrayOutermostFirstAndTheLineStaysValidJson()
    {
        await using var app = await TestApp.StartAsync();
        var formatter = app.App.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == GoldenPathJsonConsoleFormatter.FormatterName);
        var scopes = new LoggerExternalScopeProvider();

        using (scopes.Push(new Dictionary<string, object?> { ["RequestPath"] = "/orders", ["Attempt"] = 2 }))
        using (scopes.Push("plain text scope"))
        using (scopes.Push(new FormattedState("order {OrderId}", [7])))
        {
            var line = Format(formatter, LogLevel.Information, "inside {Where}", scopes, "scopes");

            using var json = JsonDocument.Parse(line);
            var written = json.RootElement.GetProperty("scopes").EnumerateArray().ToList();
            Assert.Equal(3, written.Count);
            Assert.Equal("/orders", written[0].GetProperty("RequestPath").GetString());
            Assert.Equal(2, written[0].GetProperty("Attempt").GetInt32());
            Assert.Equal("plain text scope", written[1].GetString());
            Assert.Equal(7, written[2].GetProperty("OrderId").GetInt32());
            Assert.False(written[2].TryGetProperty("{OriginalFormat}", out _));
            Assert.Equal("inside scopes", json.RootElement.GetProperty("message").GetString());
        }

        Assert.False(JsonDocument.Parse(Format(formatter, LogLevel.Information, "outside", scopes)).RootElement.TryGetProperty("scopes", out _));
    }

    [Fact]
    public async Task ALineIsNeverDroppedForItsContent()
    {
        await using var app = await TestApp.StartAsync();
        var formatter = app.App.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == GoldenPathJsonConsoleFormatter.FormatterName);
        var scopes = new LoggerExternalScopeProvider();

        // A value whose ToString throws: named in place of the value.
        var odd = JsonDocument.Parse(Format(formatter, LogLevel.Warning, "value {Odd} and \"quotes\"\u0000\u001b", scopes, new ThrowingToString())).RootElement;
        Assert.StartsWith("(GoldenPath.ServiceDefaults.Tests.LoggingTests+ThrowingToString.ToString() threw InvalidOperationException", odd.GetProperty("attributes").GetProperty("Odd").GetString(), StringComparison.Ordinal);
        Assert.Contains("\u0000\u001b", odd.GetProperty("template").GetString(), StringComparison.Ordinal);

        // A scope that fails while it is read: the line is written without it, saying why.
        using (scopes.Push(new ThrowingScope()))
        {
            var line = JsonDocument.Parse(Format(formatter, LogLevel.Error, "order {OrderId} failed", scopes, 9)).RootElement;
            Assert.Equal("order 9 failed", line.GetProperty("message").GetString());
            Assert.Equal("Error", line.GetProperty("level").GetString());
            Assert.Equal("servicedefaults-tests", line.GetProperty("service.name").GetString());
            Assert.Contains("the scope cannot be read", line.GetProperty("log.formatter_error").GetString(), StringComparison.Ordinal);
        }

        // An exception whose Message throws, in the line and in its fallback.
        using (var exceptionWriter = new StringWriter())
        {
            formatter.Write(new LogEntry<string>(LogLevel.Error, "Orders", default, "failed", new ThrowingMessageException(), (s, _) => s), scopes, exceptionWriter);
            var failed = JsonDocument.Parse(exceptionWriter.ToString()).RootElement;
            Assert.Equal("failed", failed.GetProperty("message").GetString());
            Assert.Contains("Message threw InvalidOperationException", failed.GetProperty("exception.message").GetString(), StringComparison.Ordinal);
        }

        // A property named twice in a template, a key twice in a scope: each key once per object, the first value standing.
        using (scopes.Push(new List<KeyValuePair<string, object?>> { new("Tenant", "t-1"), new("Tenant", "t-2") }))
        {
            var twice = Format(formatter, LogLevel.Information, "order {OrderId} of {Customer} is {OrderId}", scopes, 5, "c-1", 6);
            Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(twice, "\"OrderId\":"));
            Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(twice, "\"Tenant\":"));
            var root = JsonDocument.Parse(twice).RootElement;
            Assert.Equal(5, root.GetProperty("attributes").GetProperty("OrderId").GetInt32());
            Assert.Equal("t-1", root.GetProperty("scopes")[0].GetProperty("Tenant").GetString());
        }

        // A message formatter that throws.
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "Orders", default, "state", null, (_, _) => throw new FormatException("bad format")), scopes, writer);
        Assert.Contains("bad format", JsonDocument.Parse(writer.ToString()).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClassifiedDataIsRedactedBeforeAnyLogProviderSeesIt()
    {
        await using var app = await TestApp.StartAsync();
        var logger = app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Accounts");

        LogSignup(logger, "jane@example.com", "hunter2", "premium");

        var record = Assert.Single(app.CapturedLogs(), r => r.Category == "Accounts");
        Assert.Equal("premium", record.Attributes["Plan"]);
        Assert.Equal("", record.Attributes["Email"]);
        Assert.Equal("", record.Attributes["Password"]);
        Assert.DoesNotContain("jane@example.com", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", record.Message, StringComparison.Ordinal);
    }

    [LoggerMessage(LogLevel.Information, "Signed up {Email} with {Password} on {Plan}")]
    private static partial void LogSignup(ILogger logger, [PersonalData] string email, [SecretData] string password, string plan);

    private static string Format(ConsoleFormatter formatter, LogLevel level, string template, params object[] args) => Format(formatter, level, template, null, args);

    private static string Format(ConsoleFormatter formatter, LogLevel level, string template, IExternalScopeProvider? scopes, params object[] args)
    {
        var state = new FormattedState(template, args);
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<FormattedState>(level, "Orders.Checkout", new EventId(7, "OrderSlow"), state, null, (s, _) => s.ToString()), scopes, writer);
        var text = writer.ToString();
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', text.TrimEnd());
        return text;
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }

    private sealed class ThrowingMessageException : Exception
    {
        public override string Message => throw new InvalidOperationException("no message");
    }

    private sealed class ThrowingScope : IEnumerable<KeyValuePair<string, object?>>
    {
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return new("First", 1);
            throw new InvalidOperationException("the scope cannot be read");
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>The structured state <c>logger.Log</c> passes for a message template.</summary>
    private sealed class FormattedState(string template, object[] args) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly List<KeyValuePair<string, object?>> _values = Build(template, args);

        public int Count => _values.Count;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            var text = template;
            foreach (var (key, value) in _values.Where(v => v.Key != "{OriginalFormat}"))
            {
                text = text.Replace("{" + key + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            return text;
        }

        private static List<KeyValuePair<string, object?>> Build(string template, object[] args)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(template, "{([A-Za-z]+)}").Select(m => m.Groups[1].Value).ToList();
            var values = names.Select((n, i) => new KeyValuePair<string, object?>(n, args[i])).ToList();
            values.Add(new("{OriginalFormat}", template));
            return values;
        }
    }
}
