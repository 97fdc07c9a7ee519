using System.Globalization;
using System.Text;

namespace GoldenPath.Kubernetes;

/// <summary>
/// Writes a <see cref="DeploymentModel"/> as a kustomize tree:
/// <c>base/</c> (a default-deny NetworkPolicy and <c>base/&lt;workload&gt;/&lt;workload&gt;.yaml</c> with each workload's objects),
/// <c>components/in-cluster-data/</c> (PostgreSQL and Redis as StatefulSets with volumes, for dev),
/// <c>overlays/dev|staging|prod/</c> (namespace, image tags, replicas; smaller requests in dev) and <c>SECRETS.md</c> (what each environment
/// must provide; no secret value is ever written).
/// </summary>
public static class KustomizeLayout
{
    /// <summary>The environments an overlay is written for.</summary>
    public static readonly string[] Environments = ["dev", "staging", "prod"];

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
            "dev" => 1,
            "prod" => Math.Max(3, workload.Replicas),
            _ => workload.Replicas,
        };
    }

    private static string Yaml(object value) => ManifestYaml.Serialize(value);

    private static string Kustomization(string kind, IEnumerable<string> resources)
    {
        var text = new StringBuilder();
        text.Append("apiVersion: kustomize.config.k8s.io/").Append(kind == "Component" ? "v1alpha1" : "v1beta1").Append('\n');
        text.Append("kind: ").Append(kind).Append('\n');
        text.Append("resources:\n");
        foreach (var resource in resources)
        {
            text.Append("- ").Append(resource).Append('\n');
        }

        return text.ToString();
    }

    private static string Overlay(DeploymentModel model, string environment)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(environment).Append(": generated by the GoldenPath publish step; the pipeline sets the image tags\n");
        text.Append("# (kustomize edit set image <name>=<registry>/<name>:<tag>). Secrets it needs: ../../SECRETS.md\n");
        text.Append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        if (model.NamespacePrefix is { } prefix)
        {
            text.Append("namespace: ").Append(prefix).Append('-').Append(environment).Append('\n');
        }

        text.Append("resources:\n- ../../base\n");
        if (environment == "dev" && model.DataServices.Count > 0)
        {
            text.Append("components:\n- ../../components/in-cluster-data\n");
        }

        text.Append("labels:\n- pairs:\n    goldenpath.dev/environment: ").Append(environment).Append("\n  includeSelectors: false\n  includeTemplates: true\n");
        text.Append("images:\n");
        foreach (var workload in model.Workloads.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            text.Append("- name: ").Append(workload.Image ?? workload.Name).Append("\n  newTag: ").Append(workload.ImageTag).Append('\n');
        }

        text.Append("patches:\n");
        foreach (var workload in model.Workloads.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var replicas = Replicas(workload, environment).ToString(CultureInfo.InvariantCulture);
            var max = Math.Max(Replicas(workload, environment), workload.MaxReplicas).ToString(CultureInfo.InvariantCulture);
            text.Append("- target:\n    kind: Deployment\n    name: ").Append(workload.Name).Append('\n');
            text.Append("  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: ").Append(replicas).Append('\n');
            if (workload.MaxReplicas > workload.Replicas)
            {
                text.Append("- target:\n    kind: HorizontalPodAutoscaler\n    name: ").Append(workload.Name).Append('\n');
                text.Append("  patch: |-\n    - op: replace\n      path: /spec/minReplicas\n      value: ").Append(replicas).Append('\n');
                text.Append("    - op: replace\n      path: /spec/maxReplicas\n      value: ").Append(max).Append('\n');
            }
            if (environment == "dev")
            {
                text.Append("- target:\n    kind: Deployment\n    name: ").Append(workload.Name).Append('\n');
                text.Append("  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n        ")
                    .Append(PolicyEngine.WaiverAnnotation).Append(": \"GPK015=dev runs one replica to save resources, staging and prod run two or more\"\n");
                // dev asks the scheduler for less (the limits stay, so the service behaves as it will in prod).
                text.Append("    - op: replace\n      path: /spec/template/spec/containers/0/resources/requests\n      value:\n        cpu: 50m\n        memory: 64Mi\n");
            }
        }

        return text.ToString();
    }

    private static string Secrets(DeploymentModel model)
    {
        var text = new StringBuilder();
        text.Append("# Secrets each environment must provide\n\n");
        text.Append("Generated by the GoldenPath publish step. No secret value is written to these manifests: the workloads read\n");
        text.Append("them with `secretKeyRef`. Create these Secrets in each environment's namespace before the first deployment\n");
        text.Append("(by hand, with External Secrets from your secret store, or with your platform's tooling).\n\n");
        text.Append("| Secret | key | used by | what it holds | environments |\n|---|---|---|---|---|\n");
        var rows = model.Workloads
            .SelectMany(w => w.Secrets.Select(s => (s.SecretName, s.Key, User: w.Name, s.Description, Environments: "dev, staging, prod")))
            .Concat(model.DataServices.Where(d => d.Kind == DataServiceKind.Postgres)
                .Select(d => (SecretName: $"{d.Name}-auth", Key: "password", User: $"{d.Name} (in-cluster, dev)", Description: "the PostgreSQL superuser's password", Environments: "dev")))
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
