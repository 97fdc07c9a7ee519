namespace GoldenPath.Kubernetes;

/// <summary>Who may set a check aside for one object.</summary>
internal enum PolicyWaiver
{
    /// <summary>The object itself, with a reason in its <c>goldenpath.dev/waivers</c> annotation: reliability and practice checks, whose cost falls on the team.</summary>
    Annotation,

    /// <summary>
    /// Only an entry in the platform's exceptions file (<c>goldenpath manifests validate --exceptions</c>): the checks whose
    /// failure lets a pod reach the node or the outside of the cluster. The team that writes the object does not own that file.
    /// </summary>
    ExceptionsFile,
}
