using Microsoft.Extensions.Logging;

namespace GoldenPath.ServiceDefaults.Registration;

internal static partial class RegistrationLog
{
    [LoggerMessage(1001, LogLevel.Information, "Registration with the platform at {PlatformUrl} is on: instance {InstanceId} of {ServiceName}, heartbeat every {HeartbeatInterval}.")]
    public static partial void Starting(ILogger logger, Uri platformUrl, string instanceId, string serviceName, TimeSpan heartbeatInterval);

    [LoggerMessage(1002, LogLevel.Information, "Registered instance {InstanceId} of {ServiceName} with the platform.")]
    public static partial void Registered(ILogger logger, string instanceId, string serviceName);

    [LoggerMessage(1003, LogLevel.Warning, "The platform at {PlatformUrl} cannot be reached ({Reason}); the service runs on and retries registration in the background.")]
    public static partial void Unreachable(ILogger logger, Uri platformUrl, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "The platform refused the registration of {ServiceName} with {StatusCode}: {Reason}. Check GoldenPath:Platform:Token (a token of the owning team with scope instances:write; admin tokens are refused); retrying in the background.")]
    public static partial void Rejected(ILogger logger, string serviceName, int statusCode, string reason);

    [LoggerMessage(1006, LogLevel.Information, "Deregistered instance {InstanceId} of {ServiceName} from the platform.")]
    public static partial void Deregistered(ILogger logger, string instanceId, string serviceName);

    [LoggerMessage(1007, LogLevel.Warning, "Could not deregister instance {InstanceId} from the platform ({Reason}); the platform will expire it after three missed heartbeats.")]
    public static partial void DeregistrationFailed(ILogger logger, string instanceId, string reason);
}
