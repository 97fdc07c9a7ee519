using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using GoldenPath.Kubernetes;
using Microsoft.Extensions.Configuration;

namespace GoldenPath.Hosting;

/// <summary>
/// Turns a golden-path project's environment, as its callbacks give it in publish mode, into the settings, secret
/// references and dependencies of its workload. It reads Aspire's own model of each value (a string, a
/// <see cref="ConnectionStringReference"/>, a <see cref="ParameterResource"/>, an <see cref="EndpointReference"/> or
/// <see cref="EndpointReferenceExpression"/>, a <see cref="ReferenceExpression"/> of those), never the manifest text:
/// nothing secret is resolved, and an endpoint's URL keeps the endpoint's scheme and port.
/// </summary>
internal static class KubernetesEnvironmentTranslator
{
    public static async Task<TranslatedEnvironment> TranslateAsync(
        ProjectResource project, DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, IConfiguration configuration,
        IReadOnlyList<DataService> dataServices, CancellationToken cancellationToken)
    {
        var result = new TranslatedEnvironment();
        var context = new EnvironmentCallbackContext(executionContext, project, new Dictionary<string, object>(StringComparer.Ordinal), cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }

        var dataResources = DataResourceNames(model, dataServices);
        // Beside ConnectionStrings__users Aspire adds USERS_HOST, USERS_USERNAME, USERS_DATABASENAME, ...: in staging and
        // prod those are the managed service's, which only the connection string Secret carries. They are left out.
        var connectionParts = context.EnvironmentVariables.Keys
            .Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(k => k["ConnectionStrings__".Length..].ToUpperInvariant().Replace('-', '_') + "_")
            .ToList();
        foreach (var (key, raw) in context.EnvironmentVariables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            // The emitter sets telemetry, ports and URLs for Kubernetes itself.
            if (connectionParts.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))
                || key.StartsWith("OTEL_", StringComparison.Ordinal) || key is "ASPNETCORE_URLS" or "HTTP_PORTS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS")
            {
                continue;
            }

            switch (Unwrap(raw))
            {
                case string text:
                    result.Settings[key] = text;
                    break;
                case ConnectionStringReference reference:
                    AddConnectionString(result, key, reference.Resource, dataServices);
                    break;
                case IResourceWithConnectionString resource:
                    AddConnectionString(result, key, resource, dataServices);
                    break;
                case ParameterResource parameter when dataResources.Contains(parameter.Name):
                    break; // a data service's user name or password: only the connection string travels
                case ParameterResource { Secret: true } parameter:
                    result.Secrets.Add(new SecretReference(key, parameter.Name, "value", $"the secret parameter {parameter.Name}"));
                    break;
                case ParameterResource parameter:
                    result.Settings[key] = configuration[$"Parameters:{parameter.Name}"]
                        ?? throw new InvalidOperationException($"{project.Name}: {key} takes the parameter '{parameter.Name}', which has no value for publishing; set Parameters:{parameter.Name} in the app host's configuration.");
                    break;
                case var value when References(value).Any(r => dataResources.Contains(r.Name)):
                    break; // any other part of a data service (its host, port or password): only the connection string travels
                case var value:
                    result.Settings[key] = Text(project, key, value, model, result.Dependencies);
                    break;
            }
        }

        return result;
    }

    /// <summary>A reference expression of one value and nothing else is that value.</summary>
    private static object Unwrap(object value) =>
        value is ReferenceExpression { IsConditional: false, Format: "{0}", ValueProviders: [var only] } ? Unwrap(only) : value;

    /// <summary>The resources a value refers to.</summary>
    private static IEnumerable<IResource> References(object value) => value switch
    {
        EndpointReference endpoint => [endpoint.Resource],
        EndpointReferenceExpression expression => [expression.Endpoint.Resource],
        ConnectionStringReference reference => [reference.Resource],
        IResource resource => [resource],
        ReferenceExpression expression => expression.ValueProviders.SelectMany(References),
        _ => [],
    };

    /// <summary>A value as text in the cluster: an endpoint's URL, host or port becomes its Service's, with its scheme and port.</summary>
    private static string Text(ProjectResource project, string key, object value, DistributedApplicationModel model, List<WorkloadDependency> dependencies)
    {
        switch (value)
        {
            case string text:
                return text;
            case EndpointReference endpoint:
                return Text(project, key, endpoint.Property(EndpointProperty.Url), model, dependencies);
            case EndpointReferenceExpression expression:
                var target = expression.Endpoint;
                var (scheme, port) = ServiceEndpoint(project, key, target, model);
                dependencies.Add(new WorkloadDependency(target.Resource.Name, port));
                var host = target.Resource.Name;
                var portText = port.ToString(CultureInfo.InvariantCulture);
                return expression.Property switch
                {
                    EndpointProperty.Url => IsDefaultPort(scheme, port) ? $"{scheme}://{host}" : $"{scheme}://{host}:{portText}",
                    EndpointProperty.Host or EndpointProperty.IPV4Host => host,
                    EndpointProperty.Port or EndpointProperty.TargetPort => portText,
                    EndpointProperty.Scheme => scheme,
                    EndpointProperty.HostAndPort => $"{host}:{portText}",
                    _ => throw Untranslatable(project, key, expression.ValueExpression),
                };
            case ReferenceExpression { IsConditional: false } expression:
                var parts = expression.ValueProviders.Select(p => (object)Text(project, key, p, model, dependencies)).ToArray();
                return string.Format(CultureInfo.InvariantCulture, expression.Format, parts);
            case IManifestExpressionProvider provider:
                throw Untranslatable(project, key, provider.ValueExpression);
            default:
                throw new InvalidOperationException($"{project.Name}: {key} has a value of type {value.GetType().Name}, which the GoldenPath Kubernetes publish step cannot write to a manifest.");
        }
    }

    /// <summary>
    /// The scheme and port a caller in the cluster reaches an endpoint on: a golden-path workload's Service is the
    /// emitter's (HTTP on port 80); any other resource's is the endpoint's own scheme and port.
    /// </summary>
    private static (string Scheme, int Port) ServiceEndpoint(ProjectResource project, string key, EndpointReference endpoint, DistributedApplicationModel model)
    {
        if (model.Resources.FirstOrDefault(r => r.Name == endpoint.Resource.Name) is { } resource && resource.Annotations.OfType<GoldenPathWorkloadAnnotation>().Any())
        {
            return ("http", 80);
        }

        var annotation = endpoint.EndpointAnnotation;
        var port = annotation.Port ?? annotation.TargetPort
            ?? throw new InvalidOperationException($"{project.Name}: {key} refers to the endpoint '{annotation.Name}' of '{endpoint.Resource.Name}', which has no port; give it one (WithEndpoint(port: ...)) so that the manifests can name it.");
        return (annotation.UriScheme, port);
    }

    private static bool IsDefaultPort(string scheme, int port) => (scheme, port) is ("http", 80) or ("https", 443);

    private static void AddConnectionString(TranslatedEnvironment result, string key, IResource resource, IReadOnlyList<DataService> dataServices)
    {
        result.Secrets.Add(new SecretReference(key, $"{resource.Name}-connection", "connection-string", $"the connection string of {resource.Name}"));
        var server = resource is IResourceWithParent child ? child.Parent.Name : resource.Name;
        if (dataServices.FirstOrDefault(d => d.Name == server) is { } data)
        {
            result.Dependencies.Add(new WorkloadDependency(data.Name, data.Port));
        }
    }

    /// <summary>The data services, their databases, and their user name and password parameters.</summary>
    private static HashSet<string> DataResourceNames(DistributedApplicationModel model, IReadOnlyList<DataService> dataServices)
    {
        var names = new HashSet<string>(dataServices.Select(d => d.Name), StringComparer.Ordinal);
        foreach (var resource in model.Resources)
        {
            switch (resource)
            {
                case IResourceWithParent child when names.Contains(child.Parent.Name):
                    names.Add(child.Name);
                    break;
                case PostgresServerResource postgres:
                    names.Add(postgres.PasswordParameter.Name);
                    if (postgres.UserNameParameter is { } user)
                    {
                        names.Add(user.Name);
                    }

                    break;
                case RedisResource { PasswordParameter: { } password }:
                    names.Add(password.Name);
                    break;
            }
        }

        return names;
    }

    private static InvalidOperationException Untranslatable(ProjectResource project, string key, string value) => new(
        $"{project.Name}: the GoldenPath Kubernetes publish step cannot translate {key}='{value}'. It knows connection strings, " +
        "parameters and endpoints (their URL, host, port and scheme); set the value from configuration instead.");
}

/// <summary>A workload's settings, secret references and dependencies, as translated from its project's environment.</summary>
internal sealed class TranslatedEnvironment
{
    public SortedDictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    public List<SecretReference> Secrets { get; } = [];

    public List<WorkloadDependency> Dependencies { get; } = [];
}
