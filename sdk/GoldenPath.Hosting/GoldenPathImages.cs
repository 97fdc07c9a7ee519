using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace GoldenPath.Hosting;

/// <summary>
/// Where the golden path's container images come from. The official images are the default; configuration
/// replaces them per image (<c>GoldenPath:Images:Postgres</c>, <c>GoldenPath:Images:Redis</c>, or the
/// <c>GOLDENPATH_POSTGRES_IMAGE</c>/<c>GOLDENPATH_REDIS_IMAGE</c> variables; when those are not set, the choice
/// <c>./build.sh prereqs</c> recorded in the repository's <c>artifacts/images.env</c>) or as a whole through a registry
/// mirror (<c>GoldenPath:Images:Registry</c>).
/// </summary>
public static class GoldenPathImages
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "GoldenPath:Images";

    /// <summary>Applies the configured image for <paramref name="key"/> (<c>Postgres</c> or <c>Redis</c>) to a container resource.</summary>
    /// <typeparam name="T">The container resource.</typeparam>
    /// <param name="builder">The resource builder.</param>
    /// <param name="key">The image's key under <c>GoldenPath:Images</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IResourceBuilder<T> WithGoldenPathImage<T>(this IResourceBuilder<T> builder, string key)
        where T : ContainerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ContainerStartFailureReport.EnsureRegistered(builder.ApplicationBuilder);
        builder.WithAnnotation(new GoldenPathImageAnnotation(key));
        var configuration = builder.ApplicationBuilder.Configuration;
        var variable = ImageSettings.VariableOf(key);
        var configured = configuration[$"{SectionName}:{key}"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            // Set (even to empty, the official image) wins; not set, the choice ./build.sh prereqs recorded for this repository.
            configured = ImageSettings.Resolve(k => configuration[k], variable, builder.ApplicationBuilder.AppHostDirectory);
        }

        if (!string.IsNullOrWhiteSpace(configured))
        {
            ContainerImageReference image;
            try
            {
                image = ContainerImageReference.Parse(configured.Trim());
            }
            catch (FormatException exception)
            {
                throw new InvalidOperationException($"GoldenPath:Images:{key} (or {variable}): {exception.Message}", exception);
            }

            builder.WithImage(image.Image, image.Tag).WithImageRegistry(image.Registry);
        }
        else if (configuration[$"{SectionName}:Registry"] is { Length: > 0 } mirror)
        {
            builder.WithImageRegistry(mirror);
        }

        return builder;
    }
}
