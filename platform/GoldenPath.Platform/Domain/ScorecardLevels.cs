using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The scorecard's levels, from the one platform setting <c>GoldenPath:Platform:ScorecardLevels</c> (or the defaults):
/// a level is reached when its checks and those of every level below it pass.
/// </summary>
internal sealed class ScorecardLevels(IOptions<PlatformOptions> options)
{
    /// <summary>The ids of the checks <see cref="ScorecardService"/> evaluates, the only ones a level may name.</summary>
    public static readonly IReadOnlyList<string> KnownChecks =
    [
        "owner-set", "system-set", "lifecycle-set", "valid-catalog-entry", "live-instance", "ready", "telemetry-configured",
        "deployed-recently", "manifests-passed-policy", "sdk-supported", "slos-declared",
    ];

    /// <summary>
    /// Bronze: identity valid and registered with health; Silver: telemetry arriving, the platform's own policy verdict
    /// clean, a supported SDK; Gold: deployed recently and objectives recorded by Prometheus.
    /// </summary>
    public static IReadOnlyList<ScorecardLevelSetting> Defaults { get; } =
    [
        new() { Name = "Bronze", Checks = ["owner-set", "system-set", "lifecycle-set", "valid-catalog-entry", "live-instance", "ready"] },
        new() { Name = "Silver", Checks = ["telemetry-configured", "manifests-passed-policy", "sdk-supported"] },
        new() { Name = "Gold", Checks = ["deployed-recently", "slos-declared"] },
    ];

    /// <summary>Gets the levels in force, lowest first.</summary>
    public IReadOnlyList<ScorecardLevelSetting> Levels { get; } = Effective(options.Value);

    public static IReadOnlyList<ScorecardLevelSetting> Effective(PlatformOptions options) =>
        options.ScorecardLevels is { Count: > 0 } configured ? [.. configured] : Defaults;

    /// <summary>The scorecard with its level and, per level, the checks that fail.</summary>
    public Scorecard Apply(Scorecard scorecard)
    {
        var passed = scorecard.Checks.Where(c => c.Passed).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var levels = new List<ScorecardLevel>();
        var reachedSoFar = true;
        foreach (var setting in Levels)
        {
            var failing = setting.Checks.Where(c => !passed.Contains(c)).ToList();
            reachedSoFar &= failing.Count == 0;
            levels.Add(new ScorecardLevel(setting.Name, [.. setting.Checks], reachedSoFar, failing));
        }

        return scorecard with { Level = LevelOf(passed), Levels = levels };
    }

    /// <summary>The highest level whose checks and those of every level below it are all in <paramref name="passed"/>, or <see langword="null"/>.</summary>
    public string? LevelOf(IReadOnlySet<string> passed)
    {
        string? level = null;
        foreach (var setting in Levels)
        {
            if (!setting.Checks.All(passed.Contains))
            {
                break;
            }

            level = setting.Name;
        }

        return level;
    }

    /// <summary>What is wrong with the configured levels, or <see langword="null"/>.</summary>
    public static string? Problem(PlatformOptions options)
    {
        var levels = Effective(options);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            if (string.IsNullOrWhiteSpace(level.Name) || level.Name.Length > 32 || !level.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or ' '))
            {
                problems.Add($"level {i} has the name '{level.Name}': give each level a name of 1-32 letters, digits, spaces or '-' (e.g. Bronze)");
            }
            else if (!seen.Add(level.Name))
            {
                problems.Add($"level {i} repeats the name '{level.Name}'");
            }

            if (level.Checks.Count == 0)
            {
                problems.Add($"level '{level.Name}' names no check");
            }

            problems.AddRange(level.Checks.Where(c => !KnownChecks.Contains(c, StringComparer.Ordinal))
                .Select(c => $"level '{level.Name}' names the unknown check '{c}'"));
        }

        return problems.Count == 0 ? null
            : $"GoldenPath:Platform:ScorecardLevels is not valid: {string.Join("; ", problems)}. The checks are {string.Join(", ", KnownChecks)}; " +
              "each level is GoldenPath:Platform:ScorecardLevels:<n>:Name and :Checks:<m>, lowest first.";
    }
}

/// <summary>One scorecard level in the platform's settings: its name and the ids of the checks it needs.</summary>
public sealed class ScorecardLevelSetting
{
    /// <summary>Gets or sets the level's name, e.g. <c>Silver</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Gets or sets the ids of the checks the level needs on top of the levels below it, e.g. <c>sdk-supported</c>.</summary>
    public IList<string> Checks { get; set; } = [];
}
