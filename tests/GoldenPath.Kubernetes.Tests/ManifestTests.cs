using System.Diagnostics;
using k8s.Models;

namespace GoldenPath.Kubernetes.Tests;

/// <summary>The emitter, the kustomize tree (built by the real kubectl), strict reading and the policy engine.</summary>
public sealed class ManifestTests
{
    internal static DeploymentModel Model() => new()
    {
        NamespacePrefix = "team-shop",
        PlatformUrl = "http://platform.goldenpath.svc.cluster.local",
        Workloads =
        [
            new Workload
            {
                Name = "user-api", Owner = "team-identity", System = "accounts", External = true, Size = WorkloadSize.Medium,
                Settings = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["Users__PageSize"] = "50" },
                Secrets =
                [
                    new SecretReference("ConnectionStrings__users", "users-connection", "connection-string", "connection string of the users database"),
                    new SecretReference("ConnectionStrings__cache", "cache-connection", "connection-string", "connection string of Redis"),
                ],
                Dependencies = [new WorkloadDependency("postgres", 5432), new WorkloadDependency("cache", 6379)],
            },
            new Workload
            {
                Name = "orders-worker", Owner = "team-orders", System = "shop", ServesHttp = false,
                Secrets = [new SecretReference("ConnectionStrings__cache", "cache-connection", "connection-string", "connection string of Redis")],
                Dependencies = [new WorkloadDependency("cache", 6379), new WorkloadDependency("user-api", 80)],
            },
        ],
        DataServices = [new DataService("postgres", DataServiceKind.Postgres, "docker.io/library/postgres:17"), new DataService("cache", DataServiceKind.Redis, "docker.io/library/redis:7.4")],
    };

    [Fact]
    public void TheEmittedTreeReadsStrictlyAndPassesThePolicyWithoutErrors()
    {
        var directory = Directory.CreateTempSubdirectory("goldenpath-manifests-").FullName;
        try
        {
            KustomizeLayout.Write(Model(), directory);

            var (documents, problems) = ManifestReader.ReadPath(directory);
            var findings = PolicyEngine.Evaluate(documents);

            Assert.Empty(problems);
            Assert.DoesNotContain(findings, f => f.Fails);
            Assert.Contains(documents, d => d.Object is V1StatefulSet { Metadata.Name: "postgres" });
            Assert.DoesNotContain(findings, f => f.CheckId == "GPK000");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task KubectlKustomizeBuildsEveryOverlayAndTheResultPassesThePolicy(string environment)
    {
        var directory = Directory.CreateTempSubdirectory("goldenpath-manifests-").FullName;
        try
        {
            KustomizeLayout.Write(Model(), directory);

            var (exitCode, output, error) = await KubectlAsync("kustomize", Path.Combine(directory, "overlays", environment));

            Assert.True(exitCode == 0, error);
            var (documents, problems) = ManifestReader.Read(output, $"overlays/{environment}");
            Assert.Empty(problems);
            Assert.All(documents, d => Assert.Equal($"team-shop-{environment}", d.Object.Metadata.NamespaceProperty));
            var api = documents.Select(d => d.Object).OfType<V1Deployment>().Single(d => d.Metadata.Name == "user-api");
            Assert.Equal(KustomizeLayout.Replicas(Model().Workloads[0], environment), api.Spec.Replicas);
            Assert.Equal(environment == "dev" ? "50m" : "250m", api.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"].ToString());
            Assert.Equal("1", api.Spec.Template.Spec.Containers[0].Resources.Limits["cpu"].ToString());
            Assert.Equal(environment == "dev", documents.Any(d => d.Object is V1StatefulSet));
            Assert.DoesNotContain(PolicyEngine.Evaluate(documents), f => f.Fails);
            Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("1.10")]
    [InlineData("0x1F")]
    [InlineData("true")]
    [InlineData("1e3")]
    [InlineData("~")]
    [InlineData("yes")]
    [InlineData("1_000")]
    [InlineData("017")]
    public async Task AnImageTagThatLooksLikeANumberABooleanOrNullReachesTheBuiltManifestsAsWritten(string tag)
    {
        var directory = Directory.CreateTempSubdirectory("goldenpath-manifests-").FullName;
        try
        {
            var model = Model();
            KustomizeLayout.Write(model with { Workloads = [model.Workloads[0] with { ImageTag = tag }, model.Workloads[1]] }, directory);
            // The base carries another tag, so the image in the output is the overlay's newTag as kustomize read it.
            var baseFile = Path.Combine(directory, "base", "user-api", "user-api.yaml");
            var baseYaml = await File.ReadAllTextAsync(baseFile, TestContext.Current.CancellationToken);
            Assert.Contains($"user-api:{tag}", baseYaml, StringComparison.Ordinal);
            await File.WriteAllTextAsync(baseFile, baseYaml.Replace($"user-api:{tag}", "user-api:from-base", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var (exitCode, output, error) = await KubectlAsync("kustomize", Path.Combine(directory, "overlays", "prod"));

            Assert.True(exitCode == 0, error);
            var (documents, problems) = ManifestReader.Read(output, "overlays/prod");
            Assert.Empty(problems);
            var api = documents.Select(d => d.Object).OfType<V1Deployment>().Single(d => d.Metadata.Name == "user-api");
            Assert.Equal($"user-api:{tag}", api.Spec.Template.Spec.Containers[0].Image);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TheDeploymentCarriesProbesLimitsSecurityAndTelemetry()
    {
        var model = Model();
        var objects = ManifestEmitter.Emit(model.Workloads[0], model);
        var deployment = objects.OfType<V1Deployment>().Single();
        var container = deployment.Spec.Template.Spec.Containers.Single();

        Assert.Equal(("/health/startup", "/health/live", "/health/ready"), (container.StartupProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Path));
        Assert.Equal("HTTP", container.ReadinessProbe.HttpGet.Scheme);
        Assert.Equal("1", container.Resources.Limits["cpu"].ToString());
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal("/tmp", container.VolumeMounts.Single().MountPath);
        Assert.Contains(container.Env, e => e.Name == "ConnectionStrings__users" && e.ValueFrom.SecretKeyRef.Name == "users-connection");
        Assert.Contains(container.Env, e => e.Name == "OTEL_RESOURCE_ATTRIBUTES" && e.Value.Contains("service.namespace=accounts", StringComparison.Ordinal));
        var config = objects.OfType<V1ConfigMap>().Single();
        Assert.Equal("user-api", config.Data["OTEL_SERVICE_NAME"]);
        Assert.Equal("50", config.Data["Users__PageSize"]);
        Assert.Equal("user-api", deployment.Metadata.Labels["backstage.io/kubernetes-id"]);
        Assert.False(objects.OfType<V1ServiceAccount>().Single().AutomountServiceAccountToken);

        // Only its callers (the worker) and the ingress reach it; it reaches DNS, the collector, the platform and its data.
        var policy = objects.OfType<V1NetworkPolicy>().Single();
        Assert.Equal(["orders-worker", null], policy.Spec.Ingress.Select(r => r.FromProperty[0].PodSelector?.MatchLabels["app.kubernetes.io/name"]));
        Assert.Contains(policy.Spec.Egress, r => r.To.Any(p => p.PodSelector?.MatchLabels is { } m && m.TryGetValue("app.kubernetes.io/name", out var n) && n == "postgres") && r.Ports[0].Port.Value == "5432");
    }

    public static TheoryData<string> CheckIds => [.. PolicyEngine.Checks.Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(CheckIds))]
    public void EveryCheckPassesTheEmittedObjectsAndFailsItsFixture(string id)
    {
        var passing = Emitted();
        Assert.DoesNotContain(PolicyEngine.Evaluate(passing), f => f.CheckId == id);

        var failing = Emitted();
        PolicyCheckFixtures.Break(id, failing);
        var finding = Assert.Single(PolicyEngine.Evaluate(failing), f => f.CheckId == id);
        Assert.Equal(PolicyEngine.Checks.Single(c => c.Id == id).Severity, finding.Severity);
        Assert.False(string.IsNullOrWhiteSpace(finding.Message));
    }

    [Theory]
    [InlineData("Database__Password", "hunter2")]
    [InlineData("ConnectionStrings__users", "Host=pg;Database=users;Username=app;Password=hunter2")]
    [InlineData("Users__Store", "Host=pg;Database=users;Username=app;Password=hunter2")]
    [InlineData("Stripe__ApiKey", "sk_live_0123")]
    public void ASecretLiteralInTheConfigMapTheSettingsGoToFailsGpk014(string key, string value)
    {
        var documents = Emitted();
        var config = documents.Select(d => d.Object).OfType<V1ConfigMap>().Single();
        config.Data[key] = value;

        var finding = Assert.Single(PolicyEngine.Evaluate(documents), f => f.CheckId == "GPK014");

        Assert.Equal(PolicySeverity.Error, finding.Severity);
        Assert.Contains(key, finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWaiverWithAReasonWaivesAndOneWithoutIsAnError()
    {
        var documents = Emitted();
        var deployment = documents.Select(d => d.Object).OfType<V1Deployment>().Single();
        deployment.Spec.Replicas = 1;
        deployment.Spec.Template.Spec.TopologySpreadConstraints = null;
        deployment.Metadata.Annotations = new Dictionary<string, string> { [PolicyEngine.WaiverAnnotation] = "GPK015=a singleton by design: it holds a lease; GPK018" };

        var findings = PolicyEngine.Evaluate(documents);

        Assert.Equal("a singleton by design: it holds a lease", Assert.Single(findings, f => f.CheckId == "GPK015").WaiverReason);
        Assert.False(Assert.Single(findings, f => f.CheckId == "GPK018").Waived);
        var rejected = Assert.Single(findings, f => f.CheckId == "GPK000");
        Assert.True(rejected.Fails);
        Assert.Contains("waiver of GPK018 has no reason", rejected.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  replicas: 2\n  replicaz: 3\n", "unknown field", 9)]
    [InlineData("  replicas: 2\n  replicas: 3\n", "duplicate key", 9)]
    [InlineData("  replicas: many\n", "wrong type", 8)]
    public void StrictReadingRejects(string specLines, string expected, int line)
    {
        var yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  selector:\n    matchLabels: {a: b}\n" + specLines
            + "  template:\n    metadata:\n      labels: {a: b}\n    spec:\n      containers:\n      - name: x\n        image: x:1\n";

        var (documents, problems) = ManifestReader.Read(yaml, "deployment.yaml");

        Assert.Empty(documents);
        var problem = Assert.Single(problems);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
        Assert.Equal(line, problem.Line);
        Assert.Equal("deployment.yaml", problem.File);
    }

    [Fact]
    public void StrictReadingRejectsAMissingRequiredField()
    {
        var (_, problems) = ManifestReader.Read("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      containers:\n      - name: x\n", "d.yaml");

        Assert.Contains(problems, p => p.Message.Contains("required field spec.selector missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("spec.template.spec.containers[0].image", StringComparison.Ordinal));
        Assert.Contains(ManifestReader.Read("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "c.yaml").Problems, p => p.Message.Contains("metadata.name", StringComparison.Ordinal));
        Assert.Contains("example.com/v1 Widget is not a kind this validator knows", Assert.Single(ManifestReader.Read("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", "w.yaml").Problems).Message, StringComparison.Ordinal);
    }

    internal static List<ManifestDocument> Emitted()
    {
        var model = Model();
        return [.. ManifestEmitter.Emit(model.Workloads[0], model).Append(ManifestEmitter.DefaultDeny()).Append(ObservabilityLayout.Rule(model.Workloads[0])).Select(o => new ManifestDocument(o, "emitted.yaml", 1))];
    }

    private static async Task<(int ExitCode, string Output, string Error)> KubectlAsync(params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("kubectl", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
