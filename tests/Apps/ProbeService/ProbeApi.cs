namespace ProbeService;

/// <summary>Endpoints that log as a service does: inside the request's scopes, in scopes of their own, with awkward values.</summary>
public static partial class ProbeApi
{
    public static IEndpointRouteBuilder MapProbeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/work", (ILogger<Program> logger) =>
        {
            logger.LogInformation("plain line");
            using (logger.BeginScope(new Dictionary<string, object?> { ["OrderId"] = 42, ["Customer"] = "c-7" }))
            using (logger.BeginScope("checkout for {Tenant}", "tenant-1"))
            {
                OrderTaken(logger, 42, 19.5m);
            }

            return "ok";
        });

        endpoints.MapGet("/odd", (ILogger<Program> logger) =>
        {
            using (logger.BeginScope(new ThrowingToString()))
            {
                logger.LogWarning("odd value {Odd} and text \"quoted\"\t\u0001 with a line\nbreak", new ThrowingToString());
            }

            return "ok";
        });

        endpoints.MapGet("/signup", (ILogger<Program> logger) =>
        {
            SignedUp(logger, "jane@example.com", "premium");
            return "ok";
        });

        endpoints.MapGet("/boom", string () => throw new InvalidOperationException("the secret detail"));

        return endpoints;
    }

    [LoggerMessage(LogLevel.Information, "Took order {OrderId} for {Amount}")]
    private static partial void OrderTaken(ILogger logger, int orderId, decimal amount);

    [LoggerMessage(LogLevel.Information, "Signed up {Email} on {Plan}")]
    private static partial void SignedUp(ILogger logger, [GoldenPath.ServiceDefaults.PersonalData] string email, string plan);

    /// <summary>A value whose text cannot be had: the line that carries it must still be written.</summary>
    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no text for this value");
    }
}
