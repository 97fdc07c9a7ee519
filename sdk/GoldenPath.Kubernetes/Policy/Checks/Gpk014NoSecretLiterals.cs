using k8s.Models;
using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK014: no secret literals in env or ConfigMaps. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk014NoSecretLiterals
{
    // A ConfigMap is where settings go (and envFrom turns its keys into variables): a secret there is as readable as in env.
    public static PolicyCheck Check { get; } = new("GPK014", "no secret literals in env or ConfigMaps", PolicySeverity.Error, "GoldenPath; kube-score environment-variable-key-ref", PolicyWaiver.Annotation, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1ConfigMap config
            ? (config.Data ?? new Dictionary<string, string>()).Where(p => HoldsSecret(p.Key, p.Value)).Select(p => $"data {p.Key} holds a literal secret value; put it in a Secret and reference it with secretKeyRef (or envFrom secretRef)")
            : Containers(document, (_, c) =>
                c.Env?.FirstOrDefault(e => HoldsSecret(e.Name, e.Value)) is { } e ? $"env {e.Name} holds a literal value; take it from a Secret with valueFrom.secretKeyRef" : null);

    /// <summary>A value under a secret-looking name, or a connection string with a password in it under any name.</summary>
    private static bool HoldsSecret(string name, string? value) =>
        value is { Length: > 0 } && (LooksSecret(name) || value.Contains("password=", StringComparison.OrdinalIgnoreCase) || value.Contains("pwd=", StringComparison.OrdinalIgnoreCase));

    private static bool LooksSecret(string name)
    {
        var upper = name.ToUpperInvariant();
        return upper.Contains("PASSWORD", StringComparison.Ordinal) || upper.Contains("SECRET", StringComparison.Ordinal) || upper.Contains("TOKEN", StringComparison.Ordinal)
            || upper.Contains("APIKEY", StringComparison.Ordinal) || upper.Contains("API_KEY", StringComparison.Ordinal) || upper.Contains("CONNECTIONSTRING", StringComparison.Ordinal);
    }
}
