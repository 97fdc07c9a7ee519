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

    public async Task<SloReading> ReadAsync(string service, CancellationToken ct) => (await ReadManyAsync([service], ct))[service];

    /// <summary>
    /// The objectives of many services with one Prometheus query: for one service its series only, for more every
    /// service's series, sorted by their <c>service</c> label. Every name given has a reading.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SloReading>> ReadManyAsync(IReadOnlyCollection<string> services, CancellationToken ct)
    {
        Dictionary<string, SloReading> All(Func<string, SloReading> reading) => services.Distinct(StringComparer.Ordinal).ToDictionary(s => s, reading, StringComparer.Ordinal);
        if (options.Value.PrometheusUrl is not { } prometheus)
        {
            return All(_ => new SloReading.NotConfigured());
        }

        foreach (var service in services)
        {
            if (Catalog.ServiceName.Validate(service) is { } problem)
            {
                throw new ArgumentException(problem, nameof(services));
            }
        }

        if (services.Count == 0)
        {
            return All(_ => new SloReading.NotConfigured());
        }

        var matcher = services.Count == 1 ? $",service=\"{services.First()}\"" : ",service!=\"\"";
        var query = $"{{__name__=~\"{ObjectiveSeries}|{BudgetSeries}\"{matcher}}}";
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
                var answered = new SloReading.Unavailable($"Prometheus at {where} answered {(int)response.StatusCode} to the objectives query.");
                return All(_ => answered);
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(timeout.Token));
            var series = body.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
                .Select(s => (Name: s.GetProperty("metric").GetProperty("__name__").GetString(),
                    Service: s.GetProperty("metric").TryGetProperty("service", out var owner) ? owner.GetString() : null,
                    Slo: s.GetProperty("metric").TryGetProperty("slo", out var slo) ? slo.GetString() : null,
                    Value: double.Parse(s.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
                .Where(s => s.Slo is not null && s.Service is not null)
                .ToLookup(s => s.Service!, StringComparer.Ordinal);
            return All(service =>
            {
                var mine = series[service].ToList();
                return new SloReading.Recorded(mine.Where(s => s.Name == ObjectiveSeries).OrderBy(s => s.Slo, StringComparer.Ordinal)
                    .Select(o => new ObjectiveBudget(o.Slo!, o.Value, mine.Where(b => b.Name == BudgetSeries && b.Slo == o.Slo).Select(b => (double?)b.Value).FirstOrDefault() is { } v && double.IsFinite(v) ? v : null))
                    .ToList());
            });
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException && !ct.IsCancellationRequested)
        {
            var failed = new SloReading.Unavailable($"Prometheus at {where} could not be read ({exception.GetType().Name}); check GoldenPath:Platform:PrometheusUrl and that Prometheus answers there.");
            return All(_ => failed);
        }
    }
}
