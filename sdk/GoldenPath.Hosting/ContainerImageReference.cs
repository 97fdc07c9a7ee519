namespace GoldenPath.Hosting;

/// <summary>A container image reference split the way Aspire's image annotation holds it: registry, image, tag.</summary>
/// <param name="Registry">The registry host (<c>docker.io</c>, <c>mirror.example.com:5000</c>), or <see langword="null"/> for a local name.</param>
/// <param name="Image">The repository path (<c>library/postgres</c>, <c>goldenpath.local/postgres</c>).</param>
/// <param name="Tag">The tag.</param>
public sealed record ContainerImageReference(string? Registry, string Image, string Tag)
{
    /// <summary>Parses <c>[registry/]image[:tag]</c>; a first path segment with a '.' or ':' or <c>localhost</c> is a registry, except for names that end in <c>.local</c>, which are local image names.</summary>
    /// <param name="reference">The reference, e.g. <c>docker.io/library/postgres:17</c> or <c>goldenpath.local/postgres:15</c>.</param>
    /// <returns>The parts.</returns>
    /// <exception cref="FormatException">The reference is empty or has an empty part.</exception>
    public static ContainerImageReference Parse(string reference)
    {
        if (reference?.Contains('@', StringComparison.Ordinal) == true)
        {
            throw new FormatException($"'{reference}' is not an image reference of the form [registry/]image:tag (digests are not supported here; use a tag).");
        }

        var parsed = ImageReference.TryParse(reference)
            ?? throw new FormatException($"'{reference}' is not an image reference of the form [registry/]image:tag.");
        return new ContainerImageReference(parsed.Registry, parsed.Repository, parsed.Tag ?? "latest");
    }

    /// <inheritdoc />
    public override string ToString() => Registry is null ? $"{Image}:{Tag}" : $"{Registry}/{Image}:{Tag}";
}
