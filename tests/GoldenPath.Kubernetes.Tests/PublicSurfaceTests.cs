namespace GoldenPath.Kubernetes.Tests;

/// <summary>
/// What the Kubernetes package promises: checking manifests as a CI step or a platform does (strict reading, the
/// policy, its exceptions file and their results) and the size class an app host names. The workload model, the
/// emitter, the layouts, namespace bootstrap and the checks' plumbing are internal to the repository's own tool, app
/// host side and platform.
/// </summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void OnlyManifestCheckingAndTheWorkloadSizeArePublic()
    {
        string[] promised =
        [
            typeof(ManifestReader).FullName!, typeof(ManifestDocument).FullName!, typeof(ManifestProblem).FullName!,
            typeof(PolicyEngine).FullName!, typeof(PolicyFinding).FullName!, typeof(PolicySeverity).FullName!,
            typeof(PolicyExceptions).FullName!, typeof(PolicyException).FullName!,
            typeof(WorkloadSize).FullName!,
        ];

        var exported = typeof(PolicyEngine).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal);

        Assert.Equal(promised.Order(StringComparer.Ordinal), exported);
    }
}
