using Aspire.Hosting.ApplicationModel;

namespace GoldenPath.Hosting;

/// <summary>Marks a container whose image comes from the golden path's image settings (<c>GoldenPath:Images:{Key}</c>).</summary>
/// <param name="Key">The image's key: <c>Postgres</c> or <c>Redis</c>.</param>
internal sealed record GoldenPathImageAnnotation(string Key) : IResourceAnnotation;
