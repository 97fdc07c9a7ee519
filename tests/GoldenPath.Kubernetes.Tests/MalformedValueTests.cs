using System.Diagnostics;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>
/// Values of the right type but the wrong shape, which KubernetesClient's converters throw on (or, for a quantity with a
/// huge exponent, spend minutes on): each is a problem with file and line, never an exception out of the reader.
/// </summary>
public sealed class MalformedValueTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: orders-api
        spec:
          selector:
            matchLabels: {app: orders-api}
          template:
            spec:
              containers:
              - name: orders-api
                image: orders-api:1

        """;

    public static TheoryData<string, string, int, string> Malformed => new()
    {
        // (what is added under the container, or the metadata, where, the line, what the message says)
        { "livenessProbe: {httpGet: {port: true}}", "container", 13, "whole number or a string" },
        { "livenessProbe: {httpGet: {port: 80.5}}", "container", 13, "whole number or a string" },
        { "resources: {limits: {cpu: \"1x\"}}", "container", 13, "'1x' is not a Kubernetes quantity" },
        { "resources: {limits: {cpu: \"1e100000000\"}}", "container", 13, "'1e100000000' is not a Kubernetes quantity" },
        { "resources: {requests: {memory: 1e100000000}}", "container", 13, "'1e100000000' is not a Kubernetes quantity" },
        { "resources: {limits: {memory: \"" + new string('9', 100) + "\"}}", "container", 13, "is not a Kubernetes quantity" },
        { "creationTimestamp: \"x\"", "metadata", 5, "RFC 3339" },
        { "creationTimestamp: 12", "metadata", 5, "RFC 3339" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedValueIsAProblemWithFileAndLineAndTheReaderFinishesFast(string value, string under, int line, string expected)
    {
        var yaml = under == "metadata"
            ? Deployment.Replace("  name: orders-api\nspec:", $"  name: orders-api\n  {value}\nspec:", StringComparison.Ordinal)
            : Deployment + "        " + value + "\n";
        var clock = Stopwatch.StartNew();

        var (documents, problems) = ManifestReader.Read(yaml, "deploy/orders-api.yaml");

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        Assert.Empty(documents);
        var problem = Assert.Single(problems);
        Assert.Equal(("deploy/orders-api.yaml", line), (problem.File, problem.Line));
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneMalformedDocumentLeavesTheOthersRead()
    {
        var yaml = Deployment + "        resources: {limits: {cpu: \"1x\"}}\n---\n" + Deployment.Replace("name: orders-api\nspec", "name: stock-api\nspec", StringComparison.Ordinal);

        var (documents, problems) = ManifestReader.Read(yaml, "deploy/all.yaml");

        Assert.Equal("Deployment/stock-api", Assert.Single(documents).Reference);
        Assert.Equal(13, Assert.Single(problems).Line);
    }

    [Theory]
    [InlineData("    containers: [{name: x, image: x:1}]\n    initContainers: [~]\n")]
    [InlineData("    containers: [{name: x, image: x:1}]\n    volumes:\n    -\n")]
    [InlineData("    containers:\n    - name: x\n      image: x:1\n      env: [null]\n")]
    public void AnEmptyListItemIsAProblemAndNeverReachesThePolicy(string spec)
    {
        var (documents, problems) = ManifestReader.Read("apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: t\ntemplate:\n  spec:\n" + spec, "t.yaml");

        Assert.Empty(documents);
        var problem = Assert.Single(problems);
        Assert.Equal(spec.Split('\n').Length + 5, problem.Line);
        Assert.Contains("a list item is empty", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("2500m")]
    [InlineData("8Gi")]
    [InlineData("1e3")]
    [InlineData("0.5")]
    [InlineData("100M")]
    public void KubernetesQuantitiesAreStillRead(string quantity)
    {
        var (documents, problems) = ManifestReader.Read(Deployment + $"        resources: {{limits: {{cpu: \"{quantity}\", memory: {quantity}}}}}\n", "deploy/orders-api.yaml");

        Assert.Empty(problems);
        var container = Assert.IsType<k8s.Models.V1Deployment>(Assert.Single(documents).Object).Spec.Template.Spec.Containers[0];
        Assert.Equal(new k8s.Models.ResourceQuantity(quantity).ToString(), container.Resources.Limits["cpu"].ToString());
    }
}
