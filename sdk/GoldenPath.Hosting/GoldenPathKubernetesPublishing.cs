#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // the publish pipeline is experimental in Aspire 13
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Pipelines;
using GoldenPath.Catalog;
using GoldenPath.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoldenPath.Hosting;

/// <summary>
/// The GoldenPath Kubernetes publish step: registered in publish mode by the first golden-path resource, run by
/// <c>dotnet run --project AppHost -- --operation publish --step publish --output-path deploy</c>. It walks the app
/// model (golden-path projects, PostgreSQL and Redis, parameters, references and endpoints), writes the kustomize tree
/// of <see cref="KustomizeLayout"/> and <c>goldenpath-report.md</c>, and fails the publish when the manifests fail the
/// policy. Secret parameters and connection strings are never resolved: they become <c>secretKeyRef</c>s.
/// </summary>
/// <remarks>
/// Settings (<c>GoldenPath:Kubernetes:*</c> in the app host's configuration): <c>ImageTag</c> (default <c>dev</c>;
/// CI sets the commit), <c>Namespace</c> (overlays deploy to <c>{Namespace}-{env}</c>; default the owner when all
/// services share one), <c>OtlpEndpoint</c>, <c>OtlpNamespace</c>, <c>IngressNamespace</c>, <c>PlatformUrl</c> and
/// <c>PlatformNamespace</c> (a platform outside this app model), <c>ManagedDataCidr</c>.
/// </remarks>
public static partial class GoldenPathKubernetesPublishing
{
    /// <summary>The step's name (run it alone with <c>--step publish-goldenpath-kubernetes</c>).</summary>
    public const string StepName = "publish-goldenpath-kubernetes";

    /// <summary>The report written next to the manifests.</summary>
    public const string ReportFile = "goldenpath-report.md";

    /// <summary>The configuration section of the step's settings.</summary>
    public const string SectionName = "GoldenPath:Kubernetes";

    /// <summary>Registers the step once, in publish mode only.</summary>
    /// <param name="builder">The app host builder.</param>
    public static void EnsureRegistered(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ExecutionContext.IsPublishMode || builder.Services.Any(s => s.ServiceType == typeof(Registered)))
        {
            return;
        }

        builder.Services.AddSingleton<Registered>();
        builder.Pipeline.AddStep(StepName, PublishAsync, dependsOn: WellKnownPipelineSteps.PublishPrereq, requiredBy: WellKnownPipelineSteps.Publish);
    }

    /// <summary>The Secret that holds the platform token of <paramref name="team"/>'s services: <c>goldenpath-platform-token-{team}</c>.</summary>
    internal static string PlatformTokenSecret(string team) => $"goldenpath-platform-token-{team}";

    /// <summary>Builds the deployment model from the app model.</summary>
    /// <param name="model">The app model.</param>
    /// <param name="executionContext">The publish execution context the resources' environment callbacks run in.</param>
    /// <param name="configuration">The app host's configuration.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The model.</returns>
    public static async Task<DeploymentModel> BuildModelAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(executionContext);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = configuration.GetSection(SectionName);
        var imageTag = settings["ImageTag"] is { Length: > 0 } tag ? tag : "dev";
        var dataServices = model.Resources.OfType<ContainerResource>()
            .Where(c => c is PostgresServerResource or RedisResource)
            .Select(c => new DataService(c.Name, c is PostgresServerResource ? DataServiceKind.Postgres : DataServiceKind.Redis, ImageOf(c)))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();

        var workloads = new List<Workload>();
        var hasPlatform = model.Resources.Any(r => r.Annotations.OfType<GoldenPathPlatformAnnotation>().Any());
        foreach (var project in model.Resources.OfType<ProjectResource>())
        {
            var annotation = project.Annotations.OfType<GoldenPathWorkloadAnnotation>().FirstOrDefault();
            if (annotation is null)
            {
                continue;
            }

            var component = await GoldenPathServiceIdentity.ReadComponentAsync(project, cancellationToken).ConfigureAwait(false);
            var identity = ServiceIdentity.FromComponent(component);
            var translated = await TranslateEnvironmentAsync(project, model, executionContext, configuration, dataServices, cancellationToken).ConfigureAwait(false);
            var isPlatform = project.Annotations.OfType<GoldenPathPlatformAnnotation>().Any();
            if (!isPlatform && (hasPlatform || settings["PlatformUrl"] is { Length: > 0 }))
            {
                // A service registers with its own team's token, never the platform's admin token: one Secret per team.
                translated.Secrets.Add(new SecretReference(GoldenPathDistributedApplicationBuilderExtensions.PlatformTokenVariable, PlatformTokenSecret(identity.Owner), "token",
                    $"the platform token of {identity.Owner} (scope {GoldenPathPlatformTokens.ServiceScope}, POST /api/v1/tokens)"));
            }

            workloads.Add(new Workload
            {
                Name = project.Name,
                Owner = identity.Owner,
                System = identity.System,
                Version = imageTag,
                ImageTag = imageTag,
                Size = annotation.Size,
                Replicas = annotation.Replicas,
                MaxReplicas = annotation.MaxReplicas,
                External = annotation.External,
                ServesHttp = annotation.ServesHttp,
                Settings = translated.Settings,
                Secrets = translated.Secrets,
                Dependencies = translated.Dependencies,
                Objectives = ServiceLevelObjectives.For(component),
            });
        }

        var owners = workloads.Select(w => w.Owner).Distinct(StringComparer.Ordinal).ToList();
        var defaults = new DeploymentModel { Workloads = [] };
        return new DeploymentModel
        {
            Workloads = [.. workloads.OrderBy(w => w.Name, StringComparer.Ordinal)],
            DataServices = dataServices,
            NamespacePrefix = settings["Namespace"] is { Length: > 0 } ns ? ns : owners.Count == 1 ? owners[0] : null,
            OtlpEndpoint = settings["OtlpEndpoint"] ?? defaults.OtlpEndpoint,
            OtlpNamespace = settings["OtlpNamespace"] ?? defaults.OtlpNamespace,
            IngressNamespace = settings["IngressNamespace"] ?? defaults.IngressNamespace,
            PlatformUrl = settings["PlatformUrl"],
            PlatformNamespace = settings["PlatformNamespace"] ?? defaults.PlatformNamespace,
            ManagedDataCidr = settings["ManagedDataCidr"] ?? defaults.ManagedDataCidr,
        };
    }

    /// <summary>Writes the manifests and the report, validates them, and says whether they pass.</summary>
    /// <param name="model">The deployment model.</param>
    /// <param name="directory">The output directory.</param>
    /// <returns>The files written, the read problems and the policy findings.</returns>
    public static (IReadOnlyList<string> Files, IReadOnlyList<ManifestProblem> Problems, IReadOnlyList<PolicyFinding> Findings) Write(DeploymentModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        var files = KustomizeLayout.Write(model, directory).Concat(ObservabilityLayout.Write(model, directory)).ToList();
        var (documents, problems) = ManifestReader.ReadPath(directory);
        var findings = PolicyEngine.Evaluate(documents);
        File.WriteAllText(Path.Combine(directory, ReportFile), Report(model, files, problems, findings));
        return (files, problems, findings);
    }

    private static async Task PublishAsync(PipelineStepContext context)
    {
        try
        {
            await PublishCoreAsync(context).ConfigureAwait(false);
        }
        catch
        {
            // Aspire 13 logs a failed step, but the app host still exits with 0: CI must see the failure.
            Environment.ExitCode = 1;
            throw;
        }
    }

    private static async Task PublishCoreAsync(PipelineStepContext context)
    {
        var directory = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var model = await BuildModelAsync(context.Model, context.ExecutionContext, context.Services.GetRequiredService<IConfiguration>(), context.CancellationToken).ConfigureAwait(false);
        var (files, problems, findings) = Write(model, directory);
        var errors = problems.Count + findings.Count(f => f.Fails);
        if (errors > 0)
        {
            throw new InvalidOperationException(
                $"The Kubernetes manifests in {directory} fail the GoldenPath policy with {errors} error(s):{Environment.NewLine}" +
                string.Join(Environment.NewLine, problems.Select(p => $"  {p}").Concat(findings.Where(f => f.Fails).Select(f => $"  {f.CheckId} {f.Object} ({f.File}): {f.Message}"))) +
                $"{Environment.NewLine}Fix the app model (WithGoldenPathWorkload); a reliability check can be waived with a reason (goldenpath.dev/waivers), a host-escape check only by the platform team's exceptions file (docs/kubernetes.md); details in {Path.Combine(directory, ReportFile)}.");
        }

        Published(context.Logger, files.Count, model.Workloads.Count, directory, findings.Count(f => !f.Waived));
    }

    private static async Task<(SortedDictionary<string, string> Settings, List<SecretReference> Secrets, List<WorkloadDependency> Dependencies)> TranslateEnvironmentAsync(
        ProjectResource project, DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, IConfiguration configuration,
        IReadOnlyList<DataService> dataServices, CancellationToken cancellationToken)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var secrets = new List<SecretReference>();
        var dependencies = new List<WorkloadDependency>();
        // The environment callbacks, run in publish mode, give manifest expressions ({db.connectionString},
        // {token.value}, {api.bindings.http.url}) instead of values: nothing secret is resolved.
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
            if (connectionParts.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            var value = raw switch
            {
                string text => text,
                IManifestExpressionProvider expression => expression.ValueExpression,
                _ => throw new InvalidOperationException($"{project.Name}: {key} has a value of type {raw.GetType().Name}, which the GoldenPath Kubernetes publish step cannot write to a manifest."),
            };
            // The emitter sets telemetry, ports and URLs for Kubernetes itself.
            if (key.StartsWith("OTEL_", StringComparison.Ordinal) || key is "ASPNETCORE_URLS" or "HTTP_PORTS" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS")
            {
                continue;
            }

            var expressions = Expression().Matches(value);
            if (expressions.Count == 0)
            {
                settings[key] = value;
                continue;
            }

            var isConnectionString = expressions.Count == 1 && expressions[0].Value == value && expressions[0].Groups["property"].Value == "connectionString";
            if (!isConnectionString && expressions.Any(e => dataResources.Contains(e.Groups["resource"].Value)))
            {
                // Any other part of a data service (its host, port or password): only the connection string travels.
                continue;
            }

            if (isConnectionString)
            {
                var name = expressions[0].Groups["resource"].Value;
                secrets.Add(new SecretReference(key, $"{name}-connection", "connection-string", $"the connection string of {name}"));
                var server = model.Resources.FirstOrDefault(r => r.Name == name) is IResourceWithParent child ? child.Parent.Name : name;
                if (dataServices.FirstOrDefault(d => d.Name == server) is { } data)
                {
                    dependencies.Add(new WorkloadDependency(data.Name, data.Port));
                }

                continue;
            }

            if (expressions.Count == 1 && expressions[0].Value == value && expressions[0].Groups["property"].Value == "value")
            {
                var name = expressions[0].Groups["resource"].Value;
                var parameter = model.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name)
                    ?? throw Untranslatable(project, key, value);
                if (parameter.Secret)
                {
                    secrets.Add(new SecretReference(key, name, "value", $"the secret parameter {name}"));
                }
                else
                {
                    settings[key] = configuration[$"Parameters:{name}"]
                        ?? throw new InvalidOperationException($"{project.Name}: {key} takes the parameter '{name}', which has no value for publishing; set Parameters:{name} in the app host's configuration.");
                }

                continue;
            }

            // Endpoint URLs of other resources become their Services' cluster DNS names.
            var translated = Expression().Replace(value, match =>
            {
                var resource = match.Groups["resource"].Value;
                if (!match.Groups["property"].Value.StartsWith("bindings.", StringComparison.Ordinal) || !match.Groups["property"].Value.EndsWith(".url", StringComparison.Ordinal))
                {
                    throw Untranslatable(project, key, value);
                }

                dependencies.Add(new WorkloadDependency(resource, 80));
                return $"http://{resource}";
            });
            settings[key] = translated;
        }

        return (settings, secrets, [.. dependencies.DistinctBy(d => d.Name).OrderBy(d => d.Name, StringComparer.Ordinal)]);
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
        $"{project.Name}: the GoldenPath Kubernetes publish step cannot translate {key}='{value}'. It knows connection strings " +
        "({x.connectionString}), parameters ({x.value}) and endpoint URLs ({x.bindings.http.url}); set the value from configuration instead.");

    private static string ImageOf(ContainerResource container)
    {
        var image = container.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault()
            ?? throw new InvalidOperationException($"The container resource '{container.Name}' has no image.");
        var name = string.IsNullOrEmpty(image.Registry) ? image.Image : $"{image.Registry}/{image.Image}";
        return image.SHA256 is { Length: > 0 } digest ? $"{name}@sha256:{digest}" : $"{name}:{image.Tag ?? "latest"}";
    }

    private static string Report(DeploymentModel model, IReadOnlyList<string> files, IReadOnlyList<ManifestProblem> problems, IReadOnlyList<PolicyFinding> findings)
    {
        var text = new StringBuilder();
        var errors = problems.Count + findings.Count(f => f.Fails);
        text.Append("# GoldenPath Kubernetes publish\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{files.Count} files for {model.Workloads.Count} workload(s) and {model.DataServices.Count} data service(s). ");
        text.Append(errors == 0 ? "**Policy: passed**" : $"**Policy: failed, {errors} error(s)**");
        text.Append(CultureInfo.InvariantCulture, $" ({findings.Count(f => f.Severity == PolicySeverity.Warning && !f.Waived)} warning(s), {findings.Count(f => f.Waived)} waived).\n\n");
        text.Append("| workload | owner | size | replicas (dev/staging/prod) | autoscaling to | external | secrets |\n|---|---|---|---|---|---|---|\n");
        foreach (var w in model.Workloads)
        {
            var replicas = string.Join('/', KustomizeLayout.Environments.Select(e => KustomizeLayout.Replicas(w, e)));
            text.Append(CultureInfo.InvariantCulture, $"| {w.Name} | {w.Owner} | {w.Size} | {replicas} | {(w.MaxReplicas > w.Replicas ? w.MaxReplicas : "-")} | {(w.External ? "yes" : "no")} | {string.Join(", ", w.Secrets.Select(s => $"`{s.SecretName}`"))} |\n");
        }

        if (model.DataServices.Count > 0)
        {
            text.Append("\nData services (in the cluster in dev, managed elsewhere): ");
            text.Append(string.Join(", ", model.DataServices.Select(d => $"{d.Name} ({d.Kind}, `{d.Image}`)"))).Append(".\n");
        }

        text.Append("\nSecrets each environment must provide: [SECRETS.md](SECRETS.md).\n");
        if (problems.Count + findings.Count > 0)
        {
            text.Append("\n| check | severity | object | file | finding |\n|---|---|---|---|---|\n");
            foreach (var p in problems)
            {
                text.Append(CultureInfo.InvariantCulture, $"| read | error | | {p.File}:{p.Line} | {p.Message} |\n");
            }

            foreach (var f in findings.OrderBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Object, StringComparer.Ordinal))
            {
                var severity = f.Waived ? $"waived: {f.WaiverReason}" : f.Severity.ToString().ToLowerInvariant();
                text.Append(CultureInfo.InvariantCulture, $"| {f.CheckId} | {severity} | {f.Object} | {f.File} | {f.Message} |\n");
            }
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{(?<resource>[a-zA-Z0-9_-]+)\.(?<property>[a-zA-Z0-9_.-]+)\}")]
    private static partial Regex Expression();

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Files} Kubernetes files for {Workloads} workload(s) to {Directory}; policy passed with {Findings} warning(s)")]
    private static partial void Published(ILogger logger, int files, int workloads, string directory, int findings);

    private sealed class Registered;
}
