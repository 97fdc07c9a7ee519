using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Domain;

/// <summary>Refuses to start with scorecard levels that name no check, an unknown check, or the same name twice.</summary>
internal sealed class ScorecardLevelsValidation : IValidateOptions<PlatformOptions>
{
    public ValidateOptionsResult Validate(string? name, PlatformOptions options) =>
        ScorecardLevels.Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
