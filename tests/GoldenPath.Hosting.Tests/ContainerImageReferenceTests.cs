namespace GoldenPath.Hosting.Tests;

public sealed class ContainerImageReferenceTests
{
    [Theory]
    [InlineData("docker.io/library/postgres:17", "docker.io", "library/postgres", "17")]
    [InlineData("mirror.example.com:5000/library/redis:7.4", "mirror.example.com:5000", "library/redis", "7.4")]
    [InlineData("localhost/postgres:15", "localhost", "postgres", "15")]
    [InlineData("goldenpath.local/postgres:15", null, "goldenpath.local/postgres", "15")]
    [InlineData("postgres:17", null, "postgres", "17")]
    [InlineData("bitnami/redis", null, "bitnami/redis", "latest")]
    public void SplitsRegistryImageAndTag(string reference, string? registry, string image, string tag)
    {
        var parsed = ContainerImageReference.Parse(reference);

        Assert.Equal(new ContainerImageReference(registry, image, tag), parsed);
        Assert.Equal(reference.Contains(':', StringComparison.Ordinal) && !reference.EndsWith("/redis", StringComparison.Ordinal) ? reference : $"{reference}:latest", parsed.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("postgres@sha256:abc")]
    [InlineData("postgres:")]
    [InlineData("my image:1")]
    public void RejectsWhatIsNotAnImageReference(string reference) =>
        Assert.Throws<FormatException>(() => ContainerImageReference.Parse(reference));
}
