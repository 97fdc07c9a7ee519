namespace GoldenPath.Catalog.Tests;

public sealed class ReleaseVersionTests
{
    [Theory]
    [InlineData("0.10.0", "0.9.0")]
    [InlineData("1.0.0", "1.0.0-rc.1")]
    [InlineData("1.0.0-rc.2", "1.0.0-rc.1")]
    [InlineData("2.0", "1.99.99")]
    [InlineData("1.2.3+abc", "1.2.2+zzz")]
    public void VersionsAreOrderedByNumberThenAReleaseAboveItsPreReleases(string newer, string older)
    {
        Assert.True(ReleaseVersion.Compare(newer, older) > 0, $"{newer} should be newer than {older}");
        Assert.True(ReleaseVersion.Compare(older, newer) < 0, $"{older} should be older than {newer}");
        Assert.Equal(0, ReleaseVersion.Compare(newer, newer));
    }

    [Fact]
    public void TheOldestSupportedIsTheGivenNumberOfMinorVersionsBeforeTheNewest()
    {
        Assert.Equal("1.2.0", ReleaseVersion.OldestSupported("1.4.7", 2));
        Assert.Equal("1.0.0", ReleaseVersion.OldestSupported("1.1.0-rc.1", 5));
    }
}
