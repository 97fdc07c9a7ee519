using System.Globalization;
using System.Text.Json;
using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>What the platform could learn about a service's objectives from its Prometheus.</summary>
internal abstract record SloReading
{
    /// <summary>No Prometheus URL is configured.</summary>
    public sealed record NotConfigured : SloReading;

    /// <summary>Prometheus did not answer, or not as expected.</summary>
    /// <param name="Reason">What went wrong.</param>
    public sealed record Unavailable(string Reason) : SloReading;

    /// <summary>The objectives recorded for the service (none when its rules are not loaded).</summary>
    /// <param name="Objectives">The objectives.</param>
    public sealed record Recorded(IReadOnlyList<ObjectiveBudget> Objectives) : SloReading;
}

/// <summary>
/// Reads a service's objectives and remaining error budgets from the Prometheus that runs its generated rules
/// (<c>GoldenPath:Platform:PrometheusUrl</c>): the series <c>goldenpath:slo_objective:ratio</c> and
/// <c>goldenpath:slo_error_budget:remaining</c> labelled with the service's name. The name is a catalog name (a
/// lowercase RFC 1123 label), so it cannot leave the label matcher it is written into.
/// </summary>
internal sealed class SloBudgetService(HttpClient http, IOptions<PlatformOptions> options)
{
    public const string ObjectiveSeries = "goldenpath:slo_objective:ratio";

    public const string BudgetSeries = "goldenpath:slo_error_budget:remaining";

    public async Task<SloReading> ReadAsync(string service, CancellationToken ct)
    {
        if (options.Value.PrometheusUrl is not { } prometheus)
        {
            return new SloReading.NotConfigured();
        }

        if (Catalog.ServiceName.Validate(service) is { } problem)
        {
            throw new ArgumentException(problem, nameof(service));
        }

        var query = $"{{__name__=~\"{ObjectiveSeries}|{BudgetSeries}\",service=\"{service}\"}}";
        var uri = new Uri(prometheus, $"api/v1/query?query={Uri.EscapeDataString(query)}");
        // What readers see names Prometheus by its scheme, host and port only: never credentials in the URL, never the
        // inner error's text.
        var where = prometheus.GetComponents(UriComponents.SchemeAndServer, UriFormat.Unescaped);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await http.GetAsync(uri, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new SloReading.Unavailable($"Prometheus at {where} answered {(int)response.StatusCode} to the objectives query.");
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(timeout.Token));
            var series = body.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .Select(s => (Name: s.GetProperty("metric").GetProperty("__name__").GetString(), Slo: s.GetProperty("metric").TryGetProperty("slo", out var slo) ? slo.GetString() : null,
                    Value: double.Parse(s.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
                .Where(s => s.Slo is not null)
                .ToList();
            var objectives = series.Where(s => s.Name == ObjectiveSeries).OrderBy(s => s.Slo, StringComparer.Ordinal)
                .Select(o => new ObjectiveBudget(o.Slo!, o.Value, series.Where(b => b.Name == BudgetSeries && b.Slo == o.Slo).Select(b => (double?)b.Value).FirstOrDefault() is { } v && double.IsFinite(v) ? v : null))
                .ToList();
            return new SloReading.Recorded(objectives);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException && !ct.IsCancellationRequested)
        {
            return new SloReading.Unavailable($"Prometheus at {where} could not be read ({exception.GetType().Name}); check GoldenPath:Platform:PrometheusUrl and that Prometheus answers there.");
        }
    }
}
