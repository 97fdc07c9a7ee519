#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // the publish pipeline is experimental in Aspire 13
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
    public const string SectionName = KubernetesPublishOptions.SectionName;

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
    internal static async Task<DeploymentModel> BuildModelAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(executionContext);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = KubernetesPublishOptions.From(configuration);
        var imageTag = options.EffectiveImageTag;
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
            var translated = await KubernetesEnvironmentTranslator.TranslateAsync(project, model, executionContext, configuration, dataServices, cancellationToken).ConfigureAwait(false);
            var isPlatform = project.Annotations.OfType<GoldenPathPlatformAnnotation>().Any();
            if (!isPlatform && (hasPlatform || options.PlatformUrl is { Length: > 0 }))
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
                Dependencies = [.. translated.Dependencies.DistinctBy(d => d.Name).OrderBy(d => d.Name, StringComparer.Ordinal)],
                Objectives = ServiceLevelObjectives.For(component),
            });
        }

        var owners = workloads.Select(w => w.Owner).Distinct(StringComparer.Ordinal).ToList();
        var defaults = new DeploymentModel { Workloads = [] };
        return new DeploymentModel
        {
            Workloads = [.. workloads.OrderBy(w => w.Name, StringComparer.Ordinal)],
            DataServices = dataServices,
            NamespacePrefix = options.Namespace is { Length: > 0 } ns ? ns : owners.Count == 1 ? owners[0] : null,
            OtlpEndpoint = options.OtlpEndpoint ?? defaults.OtlpEndpoint,
            OtlpNamespace = options.OtlpNamespace ?? defaults.OtlpNamespace,
            IngressNamespace = options.IngressNamespace ?? defaults.IngressNamespace,
            PlatformUrl = options.PlatformUrl,
            PlatformNamespace = options.PlatformNamespace ?? defaults.PlatformNamespace,
            ManagedDataCidr = options.ManagedDataCidr ?? defaults.ManagedDataCidr,
        };
    }

    /// <summary>Writes the manifests and the report, validates them, and says whether they pass.</summary>
    /// <param name="model">The deployment model.</param>
    /// <param name="directory">The output directory.</param>
    /// <returns>The files written, the read problems and the policy findings.</returns>
    internal static (IReadOnlyList<string> Files, IReadOnlyList<ManifestProblem> Problems, IReadOnlyList<PolicyFinding> Findings) Write(DeploymentModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        var files = KustomizeLayout.Write(model, directory).Concat(ObservabilityLayout.Write(model, directory)).ToList();
        var (documents, problems) = ManifestReader.ReadPath(directory);
        var findings = PolicyEngine.Evaluate(documents);
        File.WriteAllText(Path.Combine(directory, ReportFile), KubernetesPublishReport.Render(model, files, problems, findings));
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
            // Aspire 13.6's `dotnet run -- --operation publish` logs a failed step but still exits with 0 (`aspire publish`
            // does not), so CI would pass a failed policy. The step owns the process only in publish mode; the other way,
            // a result every app host's Program.cs maps to its exit code, would put this on every service. Remove this
            // when Aspire exits non-zero itself: PublishTests.APolicyFailureFailsThePublishWithItsFindings says when.
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

    private static string ImageOf(ContainerResource container)
    {
        var image = container.Annotations.OfType<ContainerImageAnnotation>().LastOrDefault()
            ?? throw new InvalidOperationException($"The container resource '{container.Name}' has no image.");
        var name = string.IsNullOrEmpty(image.Registry) ? image.Image : $"{image.Registry}/{image.Image}";
        return image.SHA256 is { Length: > 0 } digest ? $"{name}@sha256:{digest}" : $"{name}:{image.Tag ?? "latest"}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Files} Kubernetes files for {Workloads} workload(s) to {Directory}; policy passed with {Findings} warning(s)")]
    private static partial void Published(ILogger logger, int files, int workloads, string directory, int findings);

    private sealed class Registered;
}
