using System.Globalization;
using System.Text;
using GoldenPath.Catalog;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Writes a <see cref="DeploymentModel"/> as a kustomize tree:
/// <c>base/</c> (a default-deny NetworkPolicy and <c>base/&lt;workload&gt;/&lt;workload&gt;.yaml</c> with each workload's objects),
/// <c>components/in-cluster-data/</c> (PostgreSQL and Redis as StatefulSets with volumes, for dev),
/// <c>overlays/dev|staging|prod/</c> (namespace, image tags, replicas; smaller requests in dev) and <c>SECRETS.md</c> (what each environment
/// must provide; no secret value is ever written).
/// </summary>
internal static class KustomizeLayout
{
    /// <summary>The label each overlay puts on its objects, naming the environment.</summary>
    private const string EnvironmentLabel = "goldenpath.dev/environment";

    /// <summary>Gets the environments an overlay is written for (<see cref="DeploymentEnvironments.All"/>).</summary>
    public static IReadOnlyList<string> Environments => DeploymentEnvironments.All;

    /// <summary>The files of the tree, relative path to content, in a stable order.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The files.</returns>
    public static SortedDictionary<string, string> Render(DeploymentModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var baseResources = new List<string> { "default-deny.yaml" };
        files["base/default-deny.yaml"] = Yaml(ManifestEmitter.DefaultDeny());
        // One file per workload with its objects as documents, in apply order: thousands of workloads stay thousands
        // of files, not tens of thousands (small-file writes are what a large tree costs). Workloads are independent:
        // they are serialized on every core, in name order.
        var emitted = model.Workloads.OrderBy(w => w.Name, StringComparer.Ordinal).AsParallel().AsOrdered()
            .Select(w => (w.Name, Yaml: string.Join("---\n", ManifestEmitter.Emit(w, model).Select(Yaml))));
        foreach (var (name, yaml) in emitted)
        {
            files[$"base/{name}/{name}.yaml"] = yaml;
            files[$"base/{name}/kustomization.yaml"] = Kustomization("Kustomization", [$"{name}.yaml"]);
            baseResources.Add(name);
        }

        files["base/kustomization.yaml"] = Kustomization("Kustomization", baseResources);

        if (model.DataServices.Count > 0)
        {
            var resources = new List<string>();
            foreach (var data in model.DataServices.OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                files[$"components/in-cluster-data/{data.Name}.yaml"] = string.Join("---\n", InClusterData.Emit(data, model).Select(Yaml));
                resources.Add($"{data.Name}.yaml");
            }

            files["components/in-cluster-data/kustomization.yaml"] = Kustomization("Component", resources);
        }

        foreach (var environment in Environments)
        {
            files[$"overlays/{environment}/kustomization.yaml"] = Overlay(model, environment);
        }

        files["SECRETS.md"] = Secrets(model);
        return files;
    }

    /// <summary>Writes the tree into <paramref name="directory"/>, replacing what an earlier run wrote there.</summary>
    /// <param name="model">The model.</param>
    /// <param name="directory">The output directory.</param>
    /// <returns>The files written, relative to <paramref name="directory"/>.</returns>
    public static IReadOnlyList<string> Write(DeploymentModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = Render(model);
        foreach (var generated in new[] { "base", "components", "overlays" }.Select(d => Path.Combine(directory, d)).Where(Directory.Exists))
        {
            Directory.Delete(generated, recursive: true);
        }

        foreach (var folder in files.Keys.Select(p => Path.GetDirectoryName(Path.Combine(directory, p))!).Distinct(StringComparer.Ordinal))
        {
            Directory.CreateDirectory(folder);
        }

        // Thousands of small files: the file system's latency, not the CPU, is the cost; overlap the writes.
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 8 }, file => File.WriteAllText(Path.Combine(directory, file.Key), file.Value));

        return [.. files.Keys];
    }

    /// <summary>The replicas of a workload in an environment: one in dev, the workload's own elsewhere, at least three in prod.</summary>
    /// <param name="workload">The workload.</param>
    /// <param name="environment">dev, staging or prod.</param>
    /// <returns>The replicas.</returns>
    public static int Replicas(Workload workload, string environment)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return environment switch
        {
            DeploymentEnvironments.Development => 1,
            DeploymentEnvironments.Production => Math.Max(3, workload.Replicas),
            _ => workload.Replicas,
        };
    }

    private static string Yaml(object value) => ManifestYaml.Serialize(value);

    private static string Kustomization(string kind, IEnumerable<string> resources)
    {
        var yaml = new KustomizationYaml()
            .String("apiVersion", "kustomize.config.k8s.io/" + (kind == "Component" ? "v1alpha1" : "v1beta1"))
            .String("kind", kind)
            .BeginSequence("resources");
        foreach (var resource in resources)
        {
            yaml.String(null, resource);
        }

        return yaml.EndSequence().ToYaml();
    }

    private static string Overlay(DeploymentModel model, string environment)
    {
        var yaml = new KustomizationYaml(
                $"{environment}: generated by the GoldenPath publish step; the pipeline sets the image tags",
                "(kustomize edit set image <name>=<registry>/<name>:<tag>). Secrets it needs: ../../SECRETS.md")
            .String("apiVersion", "kustomize.config.k8s.io/v1beta1")
            .String("kind", "Kustomization");
        if (model.NamespacePrefix is { } prefix)
        {
            yaml.String("namespace", $"{prefix}-{environment}");
        }

        yaml.BeginSequence("resources").String(null, "../../base").EndSequence();
        if (environment == DeploymentEnvironments.Development && model.DataServices.Count > 0)
        {
            yaml.BeginSequence("components").String(null, "../../components/in-cluster-data").EndSequence();
        }

        yaml.BeginSequence("labels")
            .BeginMapping().BeginMapping("pairs").String(EnvironmentLabel, environment).EndMapping()
            .Boolean("includeSelectors", false).Boolean("includeTemplates", true).EndMapping()
            .EndSequence();
        yaml.BeginSequence("images");
        var workloads = model.Workloads.OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
        foreach (var workload in workloads)
        {
            yaml.BeginMapping().String("name", workload.Image ?? workload.Name).String("newTag", workload.ImageTag).EndMapping();
        }

        yaml.EndSequence().BeginSequence("patches");
        foreach (var workload in workloads)
        {
            var replicas = Replicas(workload, environment).ToString(CultureInfo.InvariantCulture);
            var max = Math.Max(Replicas(workload, environment), workload.MaxReplicas).ToString(CultureInfo.InvariantCulture);
            Patch(yaml, "Deployment", workload.Name, $"- op: replace\n  path: /spec/replicas\n  value: {replicas}");
            if (workload.MaxReplicas > workload.Replicas)
            {
                Patch(yaml, "HorizontalPodAutoscaler", workload.Name,
                    $"- op: replace\n  path: /spec/minReplicas\n  value: {replicas}\n- op: replace\n  path: /spec/maxReplicas\n  value: {max}");
            }

            if (environment == DeploymentEnvironments.Development)
            {
                // dev asks the scheduler for less (the limits stay, so the service behaves as it will in prod).
                Patch(yaml, "Deployment", workload.Name,
                    $"- op: add\n  path: /metadata/annotations\n  value:\n    {PolicyEngine.WaiverAnnotation}: \"GPK015=dev runs one replica to save resources, staging and prod run two or more\"\n" +
                    "- op: replace\n  path: /spec/template/spec/containers/0/resources/requests\n  value:\n    cpu: 50m\n    memory: 64Mi");
            }
        }

        return yaml.EndSequence().ToYaml();
    }

    private static void Patch(KustomizationYaml yaml, string kind, string name, string patch) =>
        yaml.BeginMapping().BeginMapping("target").String("kind", kind).String("name", name).EndMapping().Literal("patch", patch).EndMapping();

    private static string Secrets(DeploymentModel model)
    {
        var text = new StringBuilder();
        text.Append("# Secrets each environment must provide\n\n");
        text.Append("Generated by the GoldenPath publish step. No secret value is written to these manifests: the workloads read\n");
        text.Append("them with `secretKeyRef`. Create these Secrets in each environment's namespace before the first deployment\n");
        text.Append("(by hand, with External Secrets from your secret store, or with your platform's tooling).\n\n");
        text.Append("| Secret | key | used by | what it holds | environments |\n|---|---|---|---|---|\n");
        var rows = model.Workloads
            .SelectMany(w => w.Secrets.Select(s => (s.SecretName, s.Key, User: w.Name, s.Description, Environments: string.Join(", ", DeploymentEnvironments.All))))
            .Concat(model.DataServices.Where(d => d.Kind == DataServiceKind.Postgres)
                .Select(d => (SecretName: $"{d.Name}-auth", Key: "password", User: $"{d.Name} (in-cluster, {DeploymentEnvironments.Development})", Description: "the PostgreSQL superuser's password", Environments: DeploymentEnvironments.Development)))
            .OrderBy(r => r.SecretName, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.User, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            text.Append("| `").Append(row.SecretName).Append("` | `").Append(row.Key).Append("` | ").Append(row.User).Append(" | ")
                .Append(row.Description).Append(" | ").Append(row.Environments).Append(" |\n");
        }

        if (model.DataServices.Count > 0)
        {
            text.Append("\nIn dev the connection strings point at the in-cluster data services (");
            text.Append(string.Join(", ", model.DataServices.Select(d => $"`{d.Name}:{d.Port}`")));
            text.Append("); in staging and prod at the managed services.\n");
        }

        return text.ToString();
    }
}
