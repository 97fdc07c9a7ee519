using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Configuration;

namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// Infers what a service depends on from its configured connection strings, by their names and shapes only:
/// a connection string's value never leaves this class.
/// </summary>
internal static class DependencyInference
{
    private static readonly string[] SqlServerOnlyKeys =
    [
        "data source", "initial catalog", "integrated security", "trusted_connection", "encrypt", "multipleactiveresultsets",
        "trustservercertificate", "attachdbfilename", "application intent", "multisubnetfailover", "authentication",
    ];

    public static IReadOnlyList<ServiceDependency> Infer(IConfiguration configuration)
    {
        var dependencies = new List<ServiceDependency>();
        foreach (var child in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(child.Value))
            {
                dependencies.Add(new ServiceDependency(child.Key, KindOf(child.Key, child.Value)));
            }
        }

        return dependencies.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    internal static string KindOf(string name, string value)
    {
        if (value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return uri.Scheme switch
            {
                "postgres" or "postgresql" => "postgres",
                "redis" or "rediss" => "redis",
                "http" or "https" => "http",
                _ => "unknown",
            };
        }

        var pairs = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .ToLookup(pair => pair[0].Trim().ToLowerInvariant(), pair => pair.Length > 1 ? pair[1].Trim() : "", StringComparer.Ordinal);
        if (IsSqlServer(pairs))
        {
            return "unknown";
        }

        if ((pairs.Contains("host") || pairs.Contains("server")) && new[] { "database", "username", "user id", "port" }.Any(pairs.Contains))
        {
            return "postgres";
        }

        // StackExchange.Redis: "host:port,password=...,ssl=true"
        var first = value.Split(',', 2)[0];
        if (!first.Contains('=', StringComparison.Ordinal) && (first.Contains(':', StringComparison.Ordinal) || name.Contains("redis", StringComparison.OrdinalIgnoreCase) || name.Contains("cache", StringComparison.OrdinalIgnoreCase)))
        {
            return "redis";
        }

        return "unknown";
    }

    /// <summary>
    /// SQL Server's connection strings share <c>Server</c>, <c>Database</c> and <c>User Id</c> with Npgsql's; they differ in
    /// keys Npgsql does not know and in a server written as <c>tcp:host</c>, <c>host,1433</c> (Npgsql's comma separates hosts), <c>host\instance</c> or <c>(localdb)</c>.
    /// </summary>
    private static bool IsSqlServer(ILookup<string, string> pairs) =>
        SqlServerOnlyKeys.Any(pairs.Contains)
        || pairs["server"].Concat(pairs["data source"]).Any(server =>
            server.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase) || server.StartsWith("np:", StringComparison.OrdinalIgnoreCase)
            || server.StartsWith("lpc:", StringComparison.OrdinalIgnoreCase) || server.StartsWith("(localdb)", StringComparison.OrdinalIgnoreCase)
            || server.Contains('\\', StringComparison.Ordinal) || (server.Split(',') is [_, var port] && port.Trim().All(char.IsAsciiDigit)));
}
