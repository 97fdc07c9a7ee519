using k8s.Models;

namespace GoldenPath.Kubernetes.Tests.Observability;

/// <summary>The generated PrometheusRule and dashboard ConfigMap: schemas, kustomize, strict reading and the policy.</summary>
public sealed class ObservabilityObjectsTests
{
    private static DeploymentModel Model() => ManifestTests.Model() with { Workloads = [.. ManifestTests.Model().Workloads, .. SloRulesTests.Workloads] };

    [Fact]
    public async Task TheGeneratedObjectsPassTheCrdAndKubernetesSchemasAndAnInvalidOneDoesNot()
    {
        var folder = Directory.CreateTempSubdirectory("goldenpath-observability-").FullName;
        try
        {
            var written = ObservabilityLayout.Write(Model(), folder);
            var objects = written.Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) && !f.EndsWith("kustomization.yaml", StringComparison.Ordinal)).Select(f => Path.Combine(folder, f)).ToList();
            // A rule whose 'for' is a number must be refused.
            var broken = Path.Combine(folder, "broken.yaml");
            await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(objects.First(f => f.EndsWith("orders-rules.yaml", StringComparison.Ordinal)), TestContext.Current.CancellationToken))
                .Replace("    - record: goldenpath:slo_errors:ratio_rate5m\n", "    - record: goldenpath:slo_errors:ratio_rate5m\n      for: 5\n", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var (exitCode, output) = await ObservabilityTools.NodeCheckAsync("validate-objects.mjs", objects);
            var (brokenExit, brokenOutput) = await ObservabilityTools.NodeCheckAsync("validate-objects.mjs", [broken]);

            Assert.True(exitCode == 0, output);
            // 4 serving workloads (the worker serves no HTTP): a PrometheusRule and a ConfigMap each.
            Assert.Equal(4, output.Split('\n').Count(l => l.Contains("PrometheusRule/", StringComparison.Ordinal) && l.EndsWith(": valid", StringComparison.Ordinal)));
            Assert.Equal(4, output.Split('\n').Count(l => l.Contains("ConfigMap/", StringComparison.Ordinal) && l.EndsWith(": valid", StringComparison.Ordinal)));
            Assert.True(brokenExit == 1, brokenOutput);
            Assert.Contains("for must be string", brokenOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheDashboardsMatchGrafanasDashboardModelAndAMalformedOneDoesNot()
    {
        var folder = Directory.CreateTempSubdirectory("goldenpath-dashboards-").FullName;
        try
        {
            var files = new List<string>();
            foreach (var workload in SloRulesTests.Workloads)
            {
                var file = Path.Combine(folder, $"{workload.Name}.json");
                await File.WriteAllTextAsync(file, ObservabilityLayout.Dashboard(workload).Data[$"{workload.Name}.json"], TestContext.Current.CancellationToken);
                files.Add(file);
            }

            var malformed = Path.Combine(folder, "malformed.json");
            await File.WriteAllTextAsync(malformed, SloDashboard.Render(SloRulesTests.Orders).Replace("\"gridPos\"", "\"gridPosition\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var (exitCode, output) = await ObservabilityTools.NodeCheckAsync("check-dashboard.mjs", files);
            var (malformedExit, malformedOutput) = await ObservabilityTools.NodeCheckAsync("check-dashboard.mjs", [malformed]);

            Assert.True(exitCode == 0, output);
            Assert.Contains("3 dashboard(s) match Grafana's Dashboard model", output, StringComparison.Ordinal);
            Assert.True(malformedExit == 1, malformedOutput);
            Assert.Contains("'\"gridPosition\"' does not exist in type", malformedOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheObservabilityKustomizationBuildsWithKubectlAndTheTreePassesThePolicyWithTheRulesCounted()
    {
        var kubectl = ObservabilityTools.OnPath("kubectl");
        var folder = Directory.CreateTempSubdirectory("goldenpath-observability-tree-").FullName;
        try
        {
            var model = Model();
            KustomizeLayout.Write(model, folder);
            ObservabilityLayout.Write(model, folder);

            var (exitCode, built) = await ObservabilityTools.RunAsync(kubectl, ["kustomize", Path.Combine(folder, ObservabilityLayout.Folder)]);
            var (baseExit, baseBuilt) = await ObservabilityTools.RunAsync(kubectl, ["kustomize", Path.Combine(folder, "overlays", "prod")]);

            Assert.True(exitCode == 0, built);
            Assert.True(baseExit == 0, baseBuilt);
            var (documents, problems) = ManifestReader.Read(built, "observability");
            var (workloads, workloadProblems) = ManifestReader.Read(baseBuilt, "overlays/prod");
            Assert.Empty(problems.Concat(workloadProblems));
            Assert.Equal(4, documents.Count(d => d.Object is PrometheusRule));
            Assert.Equal(4, documents.Count(d => d.Object is V1ConfigMap c && c.Metadata.Labels[SloDashboard.SidecarLabel] == "1"));
            var findings = PolicyEngine.Evaluate([.. workloads, .. documents]);
            Assert.DoesNotContain(findings, f => f.Fails);
            Assert.DoesNotContain(findings, f => f.CheckId == "GPK026");
            // Without the observability kustomization the serving Deployment is reported; the worker serves nothing and is not.
            var alone = PolicyEngine.Evaluate(workloads);
            Assert.Equal(["Deployment/billing", "Deployment/labs", "Deployment/orders", "Deployment/user-api"], alone.Where(f => f.CheckId == "GPK026").Select(f => f.Object).Order(StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void APrometheusRuleThatAlertsButRecordsNothingOverTheServiceDoesNotCountAsItsRules()
    {
        var model = ManifestTests.Model();
        var user = model.Workloads[0];
        var decoy = ObservabilityLayout.Rule(user);
        // Labelled as the service's and alerting, but its recording rules read another job's metrics.
        foreach (var rule in decoy.Spec.Groups.SelectMany(g => g.Rules).Where(r => r.Record is not null))
        {
            rule.Expr = rule.Expr.Replace("job=\"accounts/user-api\"", "job=\"accounts/someone-else\"", StringComparison.Ordinal);
        }

        var documents = ManifestEmitter.Emit(user, model).Append(decoy).Select(o => new ManifestDocument(o, "x.yaml", 1)).ToList();

        var finding = Assert.Single(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK026");
        Assert.Contains("job=\"accounts/user-api\"", finding.Message, StringComparison.Ordinal);
        Assert.Contains("observability/user-api-rules.yaml", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    - alert: X\n      expr: up == 0\n      labels:\n        severity: page\n      sevrity: page\n", "unknown field")]
    [InlineData("    - record: x:y\n      expr: up\n      for: [5m]\n", "wrong type")]
    public void APrometheusRuleIsReadAsStrictlyAsTheBuiltInKinds(string rules, string expected)
    {
        var yaml = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n  - name: g\n    rules:\n" + rules;

        var (documents, problems) = ManifestReader.Read(yaml, "rules.yaml");

        Assert.Empty(documents);
        Assert.Contains(expected, Assert.Single(problems).Message, StringComparison.Ordinal);
    }
}
