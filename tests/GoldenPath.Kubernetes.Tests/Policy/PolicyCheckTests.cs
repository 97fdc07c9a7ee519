using System.Text.RegularExpressions;
using GoldenPath.Tests;
using k8s.Models;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>Each check is one type named after its id, with its row in docs/kubernetes.md and its failing fixture; nothing lists the ids twice.</summary>
public sealed partial class PolicyCheckTests
{
    public static TheoryData<string> CheckIds => [.. PolicyEngine.Checks.Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void EachCheckIsFoundByItsIdInATypeNamedAfterIt(string id)
    {
        var check = PolicyEngine.Find(id);

        Assert.NotNull(check);
        Assert.Equal(id, check.Id);
        var declaring = typeof(PolicyEngine).Assembly.GetTypes()
            .Where(t => t.Name.StartsWith(id[..1] + id[1..3].ToLowerInvariant() + id[3..], StringComparison.Ordinal))
            .ToList();
        Assert.Same(check, Assert.Single(declaring).GetProperty("Check")!.GetValue(null));
    }

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void EachChecksRowInTheDocsStatesItsTitleSeveritySourceAndWaiver(string id)
    {
        var check = PolicyEngine.Find(id)!;
        var rows = File.ReadLines(Path.Combine(Repository.Root, "docs", "kubernetes.md")).Select(l => DocsRow().Match(l)).Where(m => m.Success && m.Groups["id"].Value == id).ToList();

        var row = Assert.Single(rows);
        Assert.StartsWith(check.Title, row.Groups["title"].Value.Replace("`", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(check.Severity.ToString().ToLowerInvariant(), row.Groups["severity"].Value);
        Assert.Equal(check.Source, row.Groups["source"].Value);
        Assert.Equal(check.WaivedBy == PolicyWaiver.Annotation ? "annotation" : "exceptions file", row.Groups["waiver"].Value);
    }

    [Fact]
    public void EveryCheckHasAFixtureAndEveryFixtureACheck()
    {
        Assert.Equal(PolicyEngine.Checks.Select(c => c.Id).Order(StringComparer.Ordinal), PolicyCheckFixtures.ById.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AWaiverOfAnUnknownIdNamesTheIdsOfTheChecksThatRunNotAFixedRange()
    {
        var added = new PolicyCheck("GPK027", "a check added later", PolicySeverity.Warning, "GoldenPath", PolicyWaiver.Annotation, (_, _) => []);
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1", Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = "api", Annotations = new Dictionary<string, string> { [PolicyEngine.WaiverAnnotation] = "GPK099=a reason long enough" } },
        };

        var findings = PolicyEngine.Evaluate([new ManifestDocument(deployment, "api.yaml", 1)], [], DateOnly.MinValue, [.. PolicyEngine.Checks, added]);

        var unknown = Assert.Single(findings, f => f.CheckId == "GPK000");
        Assert.Contains("(GPK001-GPK027)", unknown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user-api:")]
    [InlineData("user-api@sha256:")]
    [InlineData("user-api@")]
    [InlineData("registry.example.com:5000/user-api")]
    [InlineData("user api:1.0")]
    public void AnImageWithAnEmptyOrNoTagOrDigestIsNotPinned(string image)
    {
        var documents = ManifestTests.Emitted();
        documents.Select(d => d.Object).OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Image = image;

        var finding = Assert.Single(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK013");

        Assert.Contains($"image '{image}' has no tag or 'latest'", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry.example.com:5000/user-api:1.10")]
    [InlineData("user-api@sha256:0123456789abcdef")]
    [InlineData("user-api:1.10@sha256:0123456789abcdef")]
    public void AnImageWithATagOrADigestIsPinned(string image)
    {
        var documents = ManifestTests.Emitted();
        documents.Select(d => d.Object).OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Image = image;

        Assert.DoesNotContain(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK013");
    }

    [GeneratedRegex(@"^\| `(?<id>GPK\d{3})` \| (?<title>.*?) \| (?<severity>error|warning) \| (?<source>.*?) \| (?<waiver>annotation|exceptions file) \|$")]
    private static partial Regex DocsRow();
}
