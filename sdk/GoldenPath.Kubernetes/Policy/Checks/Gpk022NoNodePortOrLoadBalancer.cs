using k8s.Models;

namespace GoldenPath.Kubernetes;

/// <summary>GPK022: no NodePort or LoadBalancer Service. Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk022NoNodePortOrLoadBalancer
{
    public static PolicyCheck Check { get; } = new("GPK022", "no NodePort or LoadBalancer Service", PolicySeverity.Error, "kube-score service-type", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        document.Object is V1Service { Spec.Type: "NodePort" or "LoadBalancer" } svc ? [$"type {svc.Spec.Type} exposes it outside the cluster; use ClusterIP behind the ingress"] : [];
}
