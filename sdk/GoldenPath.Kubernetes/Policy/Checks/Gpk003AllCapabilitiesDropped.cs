using static GoldenPath.Kubernetes.PodSpecs;

namespace GoldenPath.Kubernetes;

/// <summary>GPK003: all capabilities dropped (only NET_BIND_SERVICE added). Its row in docs/kubernetes.md and its failing fixture in the tests carry the same id.</summary>
internal static class Gpk003AllCapabilitiesDropped
{
    public static PolicyCheck Check { get; } = new("GPK003", "all capabilities dropped", PolicySeverity.Error, $"{PodSecurity.Standards} restricted: capabilities", PolicyWaiver.ExceptionsFile, Evaluate);

    private static IEnumerable<string> Evaluate(ManifestDocument document, PolicyContext context) =>
        SecurityContainers(document, (_, c) =>
            c.SecurityContext?.Capabilities?.Drop?.Contains("ALL") != true ? "drop context capabilities: securityContext.capabilities.drop: [ALL]"
            : c.SecurityContext.Capabilities.Add?.Any(a => a != "NET_BIND_SERVICE") == true ? "add no capability except NET_BIND_SERVICE" : null);
}
