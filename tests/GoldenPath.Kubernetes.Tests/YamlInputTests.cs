using System.Globalization;
using System.Diagnostics;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>Hostile YAML: alias bombs, non-scalar keys and deep nesting fail fast with file and line.</summary>
public sealed class YamlInputTests
{
    /// <summary>About 1 KB that expands to 10^10 strings when its aliases are followed.</summary>
    internal static string AliasBomb()
    {
        var text = new System.Text.StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n  labels:\n    a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'j'; level++)
        {
            var previous = (char)(level - 1);
            text.Append(CultureInfo.InvariantCulture, $"    {level}: &{level} [{string.Join(", ", Enumerable.Repeat($"*{previous}", 10))}]\n");
        }

        return text.Append("data:\n  bomb: *j\n").ToString();
    }

    [Fact]
    public void AnAliasBombFailsFastNamingFileAndLine()
    {
        var bomb = AliasBomb();
        Assert.InRange(bomb.Length, 500, 1100);
        var clock = Stopwatch.StartNew();

        var (documents, problems) = ManifestReader.Read(bomb, "bomb.yaml");

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Empty(documents);
        var problem = Assert.Single(problems);
        Assert.Equal(("bomb.yaml", 7), (problem.File, problem.Line));
        Assert.Contains("alias *a", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metadata:\n  name: x\n  labels:\n    ? [a, b]\n    : c\n", 4)]
    [InlineData("metadata:\n  name: x\n  labels:\n    {a: 1}: x\n", 4)]
    [InlineData("metadata:\n  name: x\n? {kind: Pod}\n: x\n", 3)]
    public void ANonScalarKeyIsAnErrorWithFileAndLine(string rest, int line)
    {
        var (documents, problems) = ManifestReader.Read("apiVersion: v1\nkind: ConfigMap\n" + rest, "keys.yaml");

        Assert.Empty(documents);
        var problem = Assert.Single(problems);
        Assert.Equal(("keys.yaml", line + 2), (problem.File, problem.Line));
        Assert.Contains("mapping key", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingIsAnErrorNotAStackOverflow()
    {
        var (documents, problems) = ManifestReader.Read("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  deep: " + new string('[', 100_000) + new string(']', 100_000) + "\n", "deep.yaml");

        Assert.Empty(documents);
        Assert.Contains("nested deeper than", Assert.Single(problems).Message, StringComparison.Ordinal);
    }
}
