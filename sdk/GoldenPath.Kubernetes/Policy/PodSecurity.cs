namespace GoldenPath.Kubernetes;

/// <summary>The source the security checks name.</summary>
internal static class PodSecurity
{
    /// <summary>The Kubernetes Pod Security Standards; a check's source adds the profile and the control.</summary>
    public const string Standards = "Pod Security Standards";
}
