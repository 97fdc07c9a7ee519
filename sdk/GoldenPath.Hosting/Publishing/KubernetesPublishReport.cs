using System.Globalization;
using System.Text;
using GoldenPath.Kubernetes;

namespace GoldenPath.Hosting;

/// <summary>The report the publish step writes next to the manifests (<c>goldenpath-report.md</c>): the workloads, the data services, and the policy's findings.</summary>
internal static class KubernetesPublishReport
{
    public static string Render(DeploymentModel model, IReadOnlyList<string> files, IReadOnlyList<ManifestProblem> problems, IReadOnlyList<PolicyFinding> findings)
    {
        var text = new StringBuilder();
        var errors = problems.Count + findings.Count(f => f.Fails);
        text.Append("# GoldenPath Kubernetes publish\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{files.Count} files for {model.Workloads.Count} workload(s) and {model.DataServices.Count} data service(s). ");
        text.Append(errors == 0 ? "**Policy: passed**" : $"**Policy: failed, {errors} error(s)**");
        text.Append(CultureInfo.InvariantCulture, $" ({findings.Count(f => f.Severity == PolicySeverity.Warning && !f.Waived)} warning(s), {findings.Count(f => f.Waived)} waived).\n\n");
        text.Append("| workload | owner | size | replicas (dev/staging/prod) | autoscaling to | external | secrets |\n|---|---|---|---|---|---|---|\n");
        foreach (var w in model.Workloads)
        {
            var replicas = string.Join('/', KustomizeLayout.Environments.Select(e => KustomizeLayout.Replicas(w, e)));
            text.Append(CultureInfo.InvariantCulture, $"| {w.Name} | {w.Owner} | {w.Size} | {replicas} | {(w.MaxReplicas > w.Replicas ? w.MaxReplicas : "-")} | {(w.External ? "yes" : "no")} | {string.Join(", ", w.Secrets.Select(s => $"`{s.SecretName}`"))} |\n");
        }

        if (model.DataServices.Count > 0)
        {
            text.Append("\nData services (in the cluster in dev, managed elsewhere): ");
            text.Append(string.Join(", ", model.DataServices.Select(d => $"{d.Name} ({d.Kind}, `{d.Image}`)"))).Append(".\n");
        }

        text.Append("\nSecrets each environment must provide: [SECRETS.md](SECRETS.md).\n");
        if (problems.Count + findings.Count > 0)
        {
            text.Append("\n| check | severity | object | file | finding |\n|---|---|---|---|---|\n");
            foreach (var p in problems)
            {
                text.Append(CultureInfo.InvariantCulture, $"| read | error | | {p.File}:{p.Line} | {p.Message} |\n");
            }

            foreach (var f in findings.OrderBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Object, StringComparer.Ordinal))
            {
                var severity = f.Waived ? $"waived: {f.WaiverReason}" : f.Severity.ToString().ToLowerInvariant();
                text.Append(CultureInfo.InvariantCulture, $"| {f.CheckId} | {severity} | {f.Object} | {f.File} | {f.Message} |\n");
            }
        }

        return text.ToString();
    }
}
