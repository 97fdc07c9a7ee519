namespace GoldenPath.ServiceDefaults;

/// <summary>Where the instance's registration with the platform stands.</summary>
public enum RegistrationState
{
    /// <summary>No platform URL is configured, or registration is turned off.</summary>
    Disabled,

    /// <summary>The first registration is under way.</summary>
    Registering,

    /// <summary>The platform knows the instance and heartbeats are answered.</summary>
    Registered,

    /// <summary>The platform cannot be reached or failed; the registration is retried with backoff.</summary>
    Unreachable,

    /// <summary>The platform refused the registration (401, 403, 400); retried with backoff in case the token or catalog changes.</summary>
    Rejected,

    /// <summary>The instance deregistered on shutdown.</summary>
    Deregistered,
}
