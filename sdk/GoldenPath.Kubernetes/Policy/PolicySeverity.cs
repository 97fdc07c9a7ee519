namespace GoldenPath.Kubernetes;

/// <summary>How much a policy finding matters: an error fails validation, a warning is reported.</summary>
public enum PolicySeverity
{
    /// <summary>Reported; does not fail.</summary>
    Warning,

    /// <summary>Fails validation unless waived.</summary>
    Error,
}
