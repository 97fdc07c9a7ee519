using Microsoft.Extensions.Options;

namespace GoldenPath.ServiceDefaults;

/// <summary>
/// Serves the options <c>AddGoldenPath</c> bound from configuration and configured at registration (it needs them then,
/// to decide what to register) as the <see cref="IOptions{TOptions}"/> value: one instance, bound and configured once,
/// then given the application's own <c>Configure</c>/<c>PostConfigure</c> calls and validated once, at start.
/// </summary>
internal sealed class GoldenPathOptionsFactory(
    GoldenPathOptions bound,
    IEnumerable<IConfigureOptions<GoldenPathOptions>> setups,
    IEnumerable<IPostConfigureOptions<GoldenPathOptions>> postConfigures,
    IEnumerable<IValidateOptions<GoldenPathOptions>> validations)
    : OptionsFactory<GoldenPathOptions>(setups, postConfigures, validations)
{
    protected override GoldenPathOptions CreateInstance(string name) => name == Options.DefaultName ? bound : base.CreateInstance(name);
}
