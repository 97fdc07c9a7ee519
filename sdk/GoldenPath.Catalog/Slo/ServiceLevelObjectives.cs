using System.Globalization;
using System.Text.RegularExpressions;

namespace GoldenPath.Catalog;

/// <summary>
/// A service's objectives over its HTTP requests, declared next to its identity in <c>catalog-info.yaml</c> with three
/// annotations (<c>goldenpath.dev/slo-availability: "99.9"</c>, <c>goldenpath.dev/slo-latency: "p95 &lt; 250ms"</c>,
/// <c>goldenpath.dev/slo-window: "30d"</c>); what is not declared comes from the defaults of the service's lifecycle.
/// The publish step turns them into Prometheus rules, burn-rate alerts and a dashboard; the platform's scorecard and
/// budget read the same annotations. <c>docs/observability.md</c> explains the arithmetic.
/// </summary>
/// <param name="Availability">The share of requests that must not fail with a 5xx, in percent (e.g. 99.9).</param>
/// <param name="LatencyPercent">The share of requests that must finish within <paramref name="LatencyThresholdSeconds"/>, in percent (e.g. 95).</param>
/// <param name="LatencyThresholdSeconds">The latency threshold in seconds: a bucket boundary of <c>http.server.request.duration</c>.</param>
/// <param name="WindowDays">The period the objectives hold over, in days.</param>
/// <param name="Declared">Whether the service declared any objective itself (false: all are its lifecycle's defaults).</param>
public sealed partial record ServiceLevelObjectives(double Availability, double LatencyPercent, double LatencyThresholdSeconds, int WindowDays, bool Declared)
{
    /// <summary>The annotation with the availability objective in percent: <c>"99.9"</c>.</summary>
    public const string AvailabilityAnnotation = "goldenpath.dev/slo-availability";

    /// <summary>The annotation with the latency objective: <c>"p95 &lt; 250ms"</c> (95 % of requests within 250 ms).</summary>
    public const string LatencyAnnotation = "goldenpath.dev/slo-latency";

    /// <summary>The annotation with the period: <c>"30d"</c>.</summary>
    public const string WindowAnnotation = "goldenpath.dev/slo-window";

    /// <summary>
    /// The annotation naming groups of routes that get objectives of their own (the same targets, over their requests only):
    /// <c>"heartbeat=PUT /api/v1/services/{name}/instances/{instanceId}; catalog-reads=GET /api/v1/services/, GET /api/v1/services/{name}"</c>.
    /// </summary>
    public const string RoutesAnnotation = "goldenpath.dev/slo-routes";

    /// <summary>
    /// The bucket boundaries (seconds) of ASP.NET Core's <c>http.server.request.duration</c> histogram: a latency threshold
    /// must be one, or the share of requests within it could only be guessed between two buckets.
    /// </summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>The periods a service may choose, in days (at least the 3 days of the slowest burn-rate alert).</summary>
    public static IReadOnlyList<int> Windows { get; } = [7, 14, 28, 30];

    /// <summary>The defaults of a <c>production</c> service: 99.9 % available, 95 % within 500 ms, over 30 days.</summary>
    public static ServiceLevelObjectives ProductionDefaults { get; } = new(99.9, 95, 0.5, 30, Declared: false);

    /// <summary>The defaults of any other lifecycle (<c>experimental</c>, <c>deprecated</c>): 99 % available, 90 % within 1 s, over 30 days.</summary>
    public static ServiceLevelObjectives OtherDefaults { get; } = new(99, 90, 1, 30, Declared: false);

    /// <summary>Gets the groups of routes with objectives of their own (<see cref="RoutesAnnotation"/>); empty: the service's objectives only.</summary>
    public IReadOnlyList<RouteObjective> Routes { get; init; } = [];

    /// <summary>The ratio of requests allowed to fail the availability objective: the error budget (0.001 for 99.9 %).</summary>
    public double AvailabilityBudget => Math.Round(1 - (Availability / 100), 6);

    /// <summary>The ratio of requests allowed to be slower than the threshold (0.05 for p95).</summary>
    public double LatencyBudget => Math.Round(1 - (LatencyPercent / 100), 6);

    /// <summary>The objectives of a service: what its annotations declare, the rest from its lifecycle's defaults.</summary>
    /// <param name="annotations">The Component's annotations (already checked by <see cref="CatalogInfoReader"/>).</param>
    /// <param name="lifecycle">The Component's lifecycle.</param>
    /// <returns>The objectives.</returns>
    /// <exception cref="FormatException">An annotation is malformed (the catalog reader refuses such a file with its line).</exception>
    public static ServiceLevelObjectives For(IReadOnlyDictionary<string, string> annotations, string lifecycle)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        var objectives = Defaults(lifecycle);
        if (annotations.TryGetValue(AvailabilityAnnotation, out var availability))
        {
            objectives = objectives with { Availability = ParseAvailability(availability) ?? throw new FormatException(CheckAnnotation(AvailabilityAnnotation, availability)), Declared = true };
        }

        if (annotations.TryGetValue(LatencyAnnotation, out var latency))
        {
            var (percent, threshold) = ParseLatency(latency) ?? throw new FormatException(CheckAnnotation(LatencyAnnotation, latency));
            objectives = objectives with { LatencyPercent = percent, LatencyThresholdSeconds = threshold, Declared = true };
        }

        if (annotations.TryGetValue(RoutesAnnotation, out var routes))
        {
            objectives = objectives with { Routes = ParseRoutes(routes) ?? throw new FormatException(CheckAnnotation(RoutesAnnotation, routes)), Declared = true };
        }

        if (annotations.TryGetValue(WindowAnnotation, out var window))
        {
            objectives = objectives with { WindowDays = ParseWindow(window) ?? throw new FormatException(CheckAnnotation(WindowAnnotation, window)), Declared = true };
        }

        return objectives;
    }

    /// <summary>The objectives of a Component read from <c>catalog-info.yaml</c>.</summary>
    /// <param name="component">The component.</param>
    /// <returns>The objectives.</returns>
    public static ServiceLevelObjectives For(ComponentEntity component)
    {
        ArgumentNullException.ThrowIfNull(component);
        return For(component.Metadata.Annotations.ToDictionary(StringComparer.Ordinal), component.Spec.Lifecycle);
    }

    /// <summary>The defaults of a lifecycle.</summary>
    /// <param name="lifecycle">The lifecycle.</param>
    /// <returns><see cref="ProductionDefaults"/> for <c>production</c>, else <see cref="OtherDefaults"/>.</returns>
    public static ServiceLevelObjectives Defaults(string? lifecycle) =>
        string.Equals(lifecycle, "production", StringComparison.Ordinal) ? ProductionDefaults : OtherDefaults;

    /// <summary>Checks one annotation; annotations that are not about objectives pass.</summary>
    /// <param name="key">The annotation's key.</param>
    /// <param name="value">Its value.</param>
    /// <returns>What is wrong and how to fix it, or null.</returns>
    public static string? CheckAnnotation(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return key switch
        {
            AvailabilityAnnotation => ParseAvailability(value) is null
                ? $"'{value}' is not an availability objective; write the percentage of requests that must not fail with a 5xx, at least 90 and below 100 with up to 3 decimals, e.g. \"99.9\""
                : null,
            LatencyAnnotation => ParseLatency(value) is null
                ? $"'{value}' is not a latency objective; write 'pNN < THRESHOLD' with NN from 50 to 99.9 and a threshold that is a bucket boundary of http.server.request.duration " +
                  $"({string.Join(", ", LatencyBuckets.Select(FormatThreshold))}), e.g. \"p95 < 250ms\""
                : null,
            WindowAnnotation => ParseWindow(value) is null
                ? $"'{value}' is not an objective period; use one of {string.Join(", ", Windows.Select(w => $"{w}d"))}"
                : null,
            RoutesAnnotation => ParseRoutes(value) is null
                ? $"'{value}' is not a list of route groups; write 'name=METHOD /route[, METHOD /route][; name=...]' with a lowercase name used once, one method per group " +
                  "(GET, PUT, POST, DELETE or PATCH) and routes as ASP.NET Core reports them in http.route (the route template), e.g. \"heartbeat=PUT /api/v1/services/{name}/instances/{instanceId}\""
                : null,
            _ when key.StartsWith("goldenpath.dev/slo-", StringComparison.Ordinal) =>
                $"unknown objective annotation '{key}'; use {AvailabilityAnnotation}, {LatencyAnnotation}, {WindowAnnotation} or {RoutesAnnotation}",
            _ => null,
        };
    }

    /// <summary>A threshold as written in the annotation: <c>250ms</c>, <c>2.5s</c>.</summary>
    /// <param name="seconds">The threshold in seconds.</param>
    /// <returns>The text.</returns>
    public static string FormatThreshold(double seconds) =>
        seconds < 1 ? $"{(seconds * 1000).ToString("0.###", CultureInfo.InvariantCulture)}ms" : $"{seconds.ToString("0.###", CultureInfo.InvariantCulture)}s";

    private static double? ParseAvailability(string value) =>
        Percent().IsMatch(value) && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent is >= 90 and < 100 ? percent : null;

    private static (double Percent, double ThresholdSeconds)? ParseLatency(string value)
    {
        var match = Latency().Match(value);
        if (!match.Success || !double.TryParse(match.Groups["percent"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) || percent is < 50 or >= 100
            || !double.TryParse(match.Groups["threshold"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var threshold))
        {
            return null;
        }

        var seconds = match.Groups["unit"].Value == "ms" ? threshold / 1000 : threshold;
        var bucket = LatencyBuckets.FirstOrDefault(b => Math.Abs(b - seconds) < 1e-9, double.NaN);
        return double.IsNaN(bucket) ? null : (percent, bucket);
    }

    private static List<RouteObjective>? ParseRoutes(string value)
    {
        var groups = new List<RouteObjective>();
        foreach (var entry in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = entry.IndexOf('=', StringComparison.Ordinal);
            var name = separator > 0 ? entry[..separator].Trim() : "";
            if (!RouteName().IsMatch(name) || groups.Any(g => g.Name == name))
            {
                return null;
            }

            var specs = entry[(separator + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => RouteSpec().Match(r)).ToList();
            if (specs.Count == 0 || specs.Any(m => !m.Success) || specs.Select(m => m.Groups["method"].Value).Distinct(StringComparer.Ordinal).Count() != 1)
            {
                return null;
            }

            groups.Add(new RouteObjective(name, specs[0].Groups["method"].Value, [.. specs.Select(m => m.Groups["route"].Value)]));
        }

        return groups.Count > 0 ? groups : null;
    }

    private static int? ParseWindow(string value) =>
        Window().Match(value) is { Success: true } match && int.TryParse(match.Groups["days"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && Windows.Contains(days) ? days : null;

    [GeneratedRegex(@"^[0-9]{2}(\.[0-9]{1,3})?$")]
    private static partial Regex Percent();

    [GeneratedRegex(@"^p(?<percent>[0-9]{2}(\.[0-9])?) ?< ?(?<threshold>[0-9]+(\.[0-9]+)?)(?<unit>ms|s)$")]
    private static partial Regex Latency();

    [GeneratedRegex(@"^(?<days>[0-9]{1,2})d$")]
    private static partial Regex Window();

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,30}$")]
    private static partial Regex RouteName();

    [GeneratedRegex(@"^(?<method>GET|PUT|POST|DELETE|PATCH) (?<route>/[A-Za-z0-9/{}._~:*?-]*)$")]
    private static partial Regex RouteSpec();
}

/// <summary>A group of routes with objectives of their own: requests of one method to any of the routes.</summary>
/// <param name="Name">The group's name (the objectives are <c>&lt;name&gt;-availability</c> and <c>&lt;name&gt;-latency</c>).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Routes">The route templates, as ASP.NET Core reports them in <c>http.route</c>.</param>
public sealed record RouteObjective(string Name, string Method, IReadOnlyList<string> Routes);
