namespace GoldenPath.Testing.Tests;

public sealed class ContainerImagesTests
{
    [Fact]
    public void DefaultsAreTheOfficialImagesWithPinnedTags()
    {
        Assert.StartsWith("docker.io/library/postgres:", ContainerImages.DefaultPostgres, StringComparison.Ordinal);
        Assert.StartsWith("docker.io/library/redis:", ContainerImages.DefaultRedis, StringComparison.Ordinal);
        Assert.DoesNotContain(":latest", ContainerImages.DefaultPostgres, StringComparison.Ordinal);
    }

    [Fact]
    public void TheConfiguredImagesComeFromTheEnvironmentOrFallBackToTheOfficialOnes()
    {
        var configured = Environment.GetEnvironmentVariable(ContainerImages.PostgresVariable);
        var expected = string.IsNullOrWhiteSpace(configured) ? ContainerImages.DefaultPostgres : configured.Trim();

        Assert.Equal(expected, ContainerImages.Postgres);
    }
}
