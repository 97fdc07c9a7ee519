using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults;

/// <summary>Validates <see cref="GoldenPathOptions"/> at start-up; each failure names the setting, its value and the allowed range.</summary>
internal sealed class GoldenPathOptionsValidator : IValidateOptions<GoldenPathOptions>
{
    public ValidateOptionsResult Validate(string? name, GoldenPathOptions options)
    {
        var failures = new List<string>();
        Range(failures, "GoldenPath:Health:CheckTimeout", options.Health.CheckTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));
        Range(failures, "GoldenPath:Health:CacheDuration", options.Health.CacheDuration, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Range(failures, "GoldenPath:Telemetry:ShutdownTimeout", options.Telemetry.ShutdownTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Range(failures, "GoldenPath:Platform:HeartbeatInterval", options.Platform.HeartbeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Range(failures, "GoldenPath:Platform:InitialRetryDelay", options.Platform.InitialRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Range(failures, "GoldenPath:Platform:MaxFirstRegistrationDelay", options.Platform.MaxFirstRegistrationDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Range(failures, "GoldenPath:Platform:RequestTimeout", options.Platform.RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        if (options.Telemetry.TraceSampleRatio is { } ratio && !(ratio is >= 0 and <= 1))
        {
            failures.Add($"GoldenPath:Telemetry:TraceSampleRatio ({ratio}) is not between 0 and 1; use e.g. 0.1 to record one trace in ten, 1 to record all.");
        }

        if (options.Platform.MaxRetryDelay is { } max && max < options.Platform.InitialRetryDelay)
        {
            failures.Add($"GoldenPath:Platform:MaxRetryDelay ({max}) is shorter than GoldenPath:Platform:InitialRetryDelay ({options.Platform.InitialRetryDelay}); make it at least as long.");
        }

        if (options.Platform.Url is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            failures.Add($"GoldenPath:Platform:Url '{url}' is not an absolute http(s) URL; use e.g. 'https://platform.example.com'.");
        }

        if (options.Logging.Format is not ("auto" or "json" or "text"))
        {
            failures.Add($"GoldenPath:Logging:Format '{options.Logging.Format}' is not one of auto, json, text.");
        }

        foreach (var (setting, path) in new[]
        {
            ("LivePath", options.Health.LivePath), ("ReadyPath", options.Health.ReadyPath),
            ("StartupPath", options.Health.StartupPath), ("AllPath", options.Health.AllPath),
        })
        {
            if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
            {
                failures.Add($"GoldenPath:Health:{setting} '{path}' must start with '/', e.g. '/health/ready'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string setting, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} is {value}; it must be between {min} and {max}.");
        }
    }
}
