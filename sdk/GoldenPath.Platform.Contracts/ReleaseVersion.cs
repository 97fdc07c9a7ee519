using System.Globalization;

namespace GoldenPath.Catalog;

/// <summary>
/// The order of GoldenPath release versions (the SDK packages and the template pack share one version): NuGet's
/// order for <c>major.minor.patch[-label][+metadata]</c> — numbers first, a release above its pre-releases, labels
/// compared ordinally, metadata ignored. Used by the platform's fleet view and by <c>goldenpath upgrade</c>.
/// </summary>
public static class ReleaseVersion
{
    /// <summary>Orders two versions.</summary>
    /// <param name="left">A version.</param>
    /// <param name="right">Another version.</param>
    /// <returns>Less than zero when <paramref name="left"/> is older, zero when equal, more than zero when newer.</returns>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var (a, b) = (Split(left), Split(right));
        for (var i = 0; i < 3; i++)
        {
            if (a.Numbers[i] != b.Numbers[i])
            {
                return a.Numbers[i].CompareTo(b.Numbers[i]);
            }
        }

        return (a.Label.Length, b.Label.Length) switch
        {
            (0, 0) => 0,
            (0, _) => 1,
            (_, 0) => -1,
            _ => string.CompareOrdinal(a.Label, b.Label),
        };
    }

    /// <summary>The oldest version still supported when <paramref name="newest"/> is the newest and <paramref name="minorVersions"/> minor versions before it are supported.</summary>
    /// <param name="newest">The newest version.</param>
    /// <param name="minorVersions">How many minor versions back are supported.</param>
    /// <returns><c>major.minor.0</c>.</returns>
    public static string OldestSupported(string newest, int minorVersions)
    {
        ArgumentNullException.ThrowIfNull(newest);
        var numbers = Split(newest).Numbers;
        return string.Create(CultureInfo.InvariantCulture, $"{numbers[0]}.{Math.Max(0, numbers[1] - minorVersions)}.0");
    }

    /// <summary>The major, minor and patch numbers of <paramref name="version"/> (0 where missing or not a number).</summary>
    /// <param name="version">A version.</param>
    /// <returns>Three numbers.</returns>
    public static int[] Numbers(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return Split(version).Numbers;
    }

    private static (int[] Numbers, string Label) Split(string version)
    {
        var core = version.Trim().Split('+')[0];
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        var number = dash < 0 ? core : core[..dash];
        int[] numbers = [.. number.Split('.').Concat(["0", "0", "0"]).Take(3)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)];
        return (numbers, dash < 0 ? "" : core[(dash + 1)..]);
    }
}
