using System.Reflection;
using GoldenPath.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace GoldenPath.ServiceDefaults;

/// <summary>
/// Resolves the running identity in OpenTelemetry's order of precedence, lowest first: the identity embedded
/// at build time from <c>catalog-info.yaml</c>, <c>GoldenPath:Service:*</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>,
/// then <c>OTEL_SERVICE_NAME</c>.
/// </summary>
internal static class ServiceInfoResolver
{
    public const string MetadataPrefix = "GoldenPath.Service.";

    public static ServiceInfo Resolve(IConfiguration configuration, IHostEnvironment environment, ServiceIdentityOptions options)
    {
        var assembly = FindApplicationAssembly(environment.ApplicationName);
        var embedded = ReadEmbedded(assembly);
        var resource = ParseResourceAttributes(configuration["OTEL_RESOURCE_ATTRIBUTES"]);
        var (assemblyVersion, assemblyCommit) = SplitInformationalVersion(assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

        var name = First(configuration["OTEL_SERVICE_NAME"], resource.GetValueOrDefault("service.name"), options.Name, embedded.GetValueOrDefault("Name"));
        if (name is null)
        {
            throw new InvalidOperationException(
                $"GoldenPath: the service has no name. It is embedded at build time from catalog-info.yaml by the GoldenPath.ServiceDefaults " +
                $"build targets (is '{environment.ApplicationName}' built with them?); otherwise set GoldenPath:Service:Name or OTEL_SERVICE_NAME.");
        }

        if (ServiceName.Validate(name) is { } problem)
        {
            throw new InvalidOperationException($"GoldenPath: service name {problem}. Fix it where it is set: catalog-info.yaml (metadata.name), GoldenPath:Service:Name, OTEL_RESOURCE_ATTRIBUTES or OTEL_SERVICE_NAME.");
        }

        var owner = First(options.Owner, embedded.GetValueOrDefault("Owner")) ?? "unknown";
        return new ServiceInfo(
            Name: name,
            Owner: owner,
            System: First(resource.GetValueOrDefault("service.namespace"), options.System, embedded.GetValueOrDefault("System")) ?? owner,
            Lifecycle: First(options.Lifecycle, embedded.GetValueOrDefault("Lifecycle")) ?? "experimental",
            Description: First(options.Description, embedded.GetValueOrDefault("Description")),
            Version: First(resource.GetValueOrDefault("service.version"), options.Version, assemblyVersion) ?? "0.0.0",
            Commit: First(options.Commit, assemblyCommit),
            Environment: First(resource.GetValueOrDefault("deployment.environment.name"), resource.GetValueOrDefault("deployment.environment"), options.Environment)
                ?? environment.EnvironmentName.ToLowerInvariant(),
            InstanceId: First(resource.GetValueOrDefault("service.instance.id"), options.InstanceId) ?? Guid.NewGuid().ToString(),
            SdkVersion: SdkVersion)
        {
            Template = embedded.GetValueOrDefault("Template"),
            TemplateVersion = embedded.GetValueOrDefault("TemplateVersion"),
            SourceLocation = embedded.GetValueOrDefault("SourceLocation"),
            TechDocsRef = embedded.GetValueOrDefault("TechDocsRef"),
        };
    }

    public static string SdkVersion { get; } =
        SplitInformationalVersion(typeof(ServiceInfoResolver).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion).Version ?? "0.0.0";

    /// <summary>Parses <c>key1=value1,key2=value2</c> with percent-decoded values, as the OpenTelemetry specification defines it.</summary>
    public static Dictionary<string, string> ParseResourceAttributes(string? value)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(value))
        {
            return attributes;
        }

        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                attributes[pair[..equals].Trim()] = Uri.UnescapeDataString(pair[(equals + 1)..].Trim());
            }
        }

        return attributes;
    }

    private static Assembly? FindApplicationAssembly(string applicationName)
    {
        var entry = Assembly.GetEntryAssembly();
        if (entry?.GetName().Name == applicationName)
        {
            return entry;
        }

        try
        {
            return Assembly.Load(new AssemblyName(applicationName));
        }
        catch (Exception exception) when (exception is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            return entry;
        }
    }

    private static Dictionary<string, string> ReadEmbedded(Assembly? assembly)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (assembly is null)
        {
            return values;
        }

        foreach (var attribute in assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(attribute.Value))
            {
                values[attribute.Key[MetadataPrefix.Length..]] = attribute.Value;
            }
        }

        return values;
    }

    private static (string? Version, string? Commit) SplitInformationalVersion(string? informational)
    {
        if (string.IsNullOrWhiteSpace(informational))
        {
            return (null, null);
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? (informational, null) : (informational[..plus], informational[(plus + 1)..]);
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
