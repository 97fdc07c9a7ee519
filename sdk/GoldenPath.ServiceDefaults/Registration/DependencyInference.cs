using GoldenPath.Catalog.Contracts;
using Microsoft.Extensions.Configuration;

namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// Infers what a service depends on from its configured connection strings, by their names and shapes only:
/// a connection string's value never leaves this class.
/// </summary>
internal static class DependencyInference
{
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

        var keys = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)[0].Trim().ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        if (keys.Overlaps(["host", "server"]) && keys.Overlaps(["database", "username", "user id", "port"]))
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
}
