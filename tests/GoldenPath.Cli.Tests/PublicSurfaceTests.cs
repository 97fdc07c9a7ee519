namespace GoldenPath.Cli.Tests;

/// <summary>The tool is a command, not a library: its promise is its commands and exit codes, and no type is public.</summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void TheToolExportsNoType() =>
        Assert.Empty(typeof(GoldenPathCli).Assembly.GetExportedTypes().Select(t => t.FullName));
}
