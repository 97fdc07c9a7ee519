using GoldenPath.Catalog.Client;
using GoldenPath.ServiceDefaults;
using GoldenPath.ServiceDefaults.Health;
using GoldenPath.ServiceDefaults.Logging;
using GoldenPath.ServiceDefaults.Registration;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// <c>builder.AddGoldenPath()</c>: identity, JSON logs, OpenTelemetry, health checks, HTTP client defaults and
/// platform registration for any .NET host (web app or worker). Configure it under <c>GoldenPath:</c>.
/// </summary>
public static class GoldenPathHostApplicationBuilderExtensions
{
    /// <summary>Adds the golden path to the host, configured from the <c>GoldenPath</c> section.</summary>
    /// <typeparam name="TBuilder">The host builder.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddGoldenPath<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder => builder.AddGoldenPath(static _ => { });

    /// <summary>Adds the golden path to the host, configured from the <c>GoldenPath</c> section and then by <paramref name="configure"/>.</summary>
    /// <typeparam name="TBuilder">The host builder.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Changes the options after they are bound from configuration.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddGoldenPath<TBuilder>(this TBuilder builder, Action<GoldenPathOptions> configure)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (builder.Properties.ContainsKey(typeof(GoldenPathOptions)))
        {
            return builder;
        }

        var options = new GoldenPathOptions();
        builder.Configuration.GetSection(GoldenPathOptions.SectionName).Bind(options);
        configure(options);
        builder.Properties[typeof(GoldenPathOptions)] = options;

        // Bound and configured once, above: the options the registration below is decided by are the ones the services read.
        builder.Services.AddOptions<GoldenPathOptions>().ValidateOnStart();
        builder.Services.AddSingleton<IOptionsFactory<GoldenPathOptions>>(services => new GoldenPathOptionsFactory(options,
            services.GetServices<IConfigureOptions<GoldenPathOptions>>(), services.GetServices<IPostConfigureOptions<GoldenPathOptions>>(), services.GetServices<IValidateOptions<GoldenPathOptions>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GoldenPathOptions>, GoldenPathOptionsValidator>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        var service = ServiceInfoResolver.Resolve(builder.Configuration, builder.Environment, options.Service);
        builder.Services.AddSingleton(service);

        builder.AddGoldenPathLogging(options);
        builder.AddGoldenPathTelemetry(options, service);
        builder.AddGoldenPathHealthChecks(options);
        builder.AddGoldenPathHttpDefaults(options);
        builder.AddGoldenPathRegistration(options);
        // Problem details carry the W3C trace id of the request (traceId), never the exception.
        builder.Services.AddProblemDetails();
        return builder;
    }

    private static void AddGoldenPathLogging(this IHostApplicationBuilder builder, GoldenPathOptions options)
    {
        var logging = options.Logging;
        if (!logging.DisableConsoleFormatting)
        {
            // Every line already carries its trace context where readers look for it: the JSON line's trace_id, span_id
            // and parent_span_id, the OTLP record's own trace and span fields. The host's default activity tracking
            // (SpanId, TraceId, ParentId) adds the same ids once more as a scope, which the formatter and the OTLP
            // exporter enumerate, copy and write for every line: about a tenth of a request log line's cost
            // (bench/README.md). A service that wants them back sets LoggerFactoryOptions after AddGoldenPath.
            builder.Services.Configure<LoggerFactoryOptions>(factory => factory.ActivityTrackingOptions = ActivityTrackingOptions.None);
            var json = logging.Format.Equals("json", StringComparison.OrdinalIgnoreCase)
                || (logging.Format.Equals("auto", StringComparison.OrdinalIgnoreCase) && !builder.Environment.IsDevelopment());
            builder.Logging.AddConsole();
            if (json)
            {
                builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, GoldenPathJsonConsoleFormatter>());
                builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = GoldenPathJsonConsoleFormatter.FormatterName);
            }
            else
            {
                builder.Logging.AddSimpleConsole(o =>
                {
                    o.TimestampFormat = "HH:mm:ss.fff ";
                    o.UseUtcTimestamp = true;
                    o.SingleLine = true;
                });
                builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Simple);
            }
        }

        if (!logging.DisableRedaction)
        {
            builder.Logging.EnableRedaction();
            builder.Services.AddRedaction(redaction =>
            {
                redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(GoldenPathDataClassifications.Secret), new DataClassificationSet(GoldenPathDataClassifications.Personal));
                redaction.SetFallbackRedactor<ErasingRedactor>();
            });
        }

        if (!options.Telemetry.DisableLogExport)
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
            });
        }

    }

    private static void AddGoldenPathTelemetry(this IHostApplicationBuilder builder, GoldenPathOptions options, ServiceInfo service)
    {
        var telemetry = options.Telemetry;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(service.Name, service.System, service.Version, autoGenerateServiceInstanceId: false, service.InstanceId)
                .AddAttributes(
                [
                    new("deployment.environment.name", service.Environment),
                    new("service.owner", service.Owner),
                    new("goldenpath.sdk.version", service.SdkVersion),
                ]));

        if (!telemetry.DisableTracing)
        {
            otel.WithTracing(tracing =>
            {
                tracing.AddSource(service.Name, builder.Environment.ApplicationName, GoldenPathTelemetry.NpgsqlSourceName)
                    .AddSource([.. telemetry.Sources])
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !GoldenPathTelemetry.IsUntracedPath(context.Request.Path, options))
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                        !(request.Options.TryGetValue(GoldenPathTelemetry.SuppressTracing, out var suppress) && suppress));
                // (A ratio outside 0..1 is left to the options validation, which stops the start with the setting's name.)
                var ratio = telemetry.TraceSampleRatio ?? (builder.Environment.IsDevelopment() ? 1.0 : GoldenPathTelemetry.DefaultTraceSampleRatio);
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_TRACES_SAMPLER"]) && ratio is >= 0 and <= 1)
                {
                    tracing.SetSampler(new ParentBasedSampler(ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio)));
                }
            });
        }

        if (!telemetry.DisableMetrics)
        {
            // The registration's state is a metric whether or not registration is on: resolve it with the provider.
            builder.Services.ConfigureOpenTelemetryMeterProvider((services, _) => services.GetRequiredService<RegistrationStatus>());
            otel.WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(service.Name, builder.Environment.ApplicationName, GoldenPathTelemetry.NpgsqlSourceName, GoldenPathTelemetry.MeterName)
                    .AddMeter([.. telemetry.Meters])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();

                // Each stream's storage is allocated up front for its cardinality limit: the instruments whose tag sets
                // are few and known get a stream sized for them (MetricStreamSizing says which, and why).
                if (!telemetry.DisableMetricStreamSizing)
                {
                    metrics.AddView(GoldenPath.ServiceDefaults.Telemetry.MetricStreamSizing.View);
                }
            });
        }

        if (OtlpSettings.IsConfigured(builder.Configuration))
        {
            // An export in flight when the host stops is waited for when the providers are disposed; the
            // specification's 10 s default would let a silent collector hold a pod past its grace period. Set on the
            // exporter's default options (every signal's fall back to them), before the client below reads it; the
            // app's configuration is left as the operator wrote it, and OTEL_EXPORTER_OTLP_TIMEOUT wins when set.
            if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_TIMEOUT"]))
            {
                var timeout = (int)telemetry.ShutdownTimeout.TotalMilliseconds;
                builder.Services.Configure<OpenTelemetry.Exporter.OtlpExporterOptions>(exporter => exporter.TimeoutMilliseconds = timeout);
            }

            otel.UseOtlpExporter();
            GoldenPath.ServiceDefaults.Telemetry.OtlpExporterHttpClient.Configure(builder.Services, builder.Configuration);

            // Only a remote exporter can hold a shutdown; without one the providers are left to the container.
            builder.Services.AddHostedService<GoldenPath.ServiceDefaults.Telemetry.TelemetryFlushService>();
        }
    }

    private static void AddGoldenPathHealthChecks(this IHostApplicationBuilder builder, GoldenPathOptions options)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<ShutdownHealthCheck>(ShutdownHealthCheck.Name)
            .AddCheck<StartedHealthCheck>(StartedHealthCheck.Name)
            .AddCheck<RegistrationHealthCheck>(RegistrationHealthCheck.Name, tags: [RegistrationHealthCheck.Tag]);
        builder.Services.PostConfigure<HealthCheckServiceOptions>(health => TimeBoundHealthCheck.Apply(health, options.Health.CheckTimeout));
        builder.Services.TryAddSingleton<HealthReportCache>();
    }

    private static void AddGoldenPathHttpDefaults(this IHostApplicationBuilder builder, GoldenPathOptions options)
    {
        if (!options.Http.DisableServiceDiscovery)
        {
            builder.Services.AddServiceDiscovery();
        }

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            if (!options.Http.DisableResilience)
            {
                http.AddStandardResilienceHandler();
            }

            if (!options.Http.DisableServiceDiscovery)
            {
                http.AddServiceDiscovery();
            }
        });
    }

    private static void AddGoldenPathRegistration(this IHostApplicationBuilder builder, GoldenPathOptions options)
    {
        builder.Services.TryAddSingleton<RegistrationStatus>();
        var platform = options.Platform;
        if (platform.Url is null || platform.DisableRegistration)
        {
            return;
        }

        var discovered = PlatformHttpClient.UsesServiceDiscovery(platform.Url, options, builder.Configuration);
        if (discovered)
        {
            // Only for a service-discovery name (PlatformHttpClient): otherwise no client of the factory is registered, so
            // nothing of the application's HTTP defaults (the resilience handler's options, validated at start) is built
            // for it. The registration retries with its own backoff, so the client is taken out of the default resilience
            // handler; RemoveAllResilienceHandlers is the documented way to do that (still marked experimental).
#pragma warning disable EXTEXP0001
            builder.Services.AddHttpClient(PlatformHttpClientName)
                .AddHttpMessageHandler(() => new PlatformHttpClient.UntracedRequestHandler())
                .RemoveAllResilienceHandlers()
                // The registration logs each change of its state once; the factory's four lines per call said nothing more.
                .RemoveAllLoggers();
#pragma warning restore EXTEXP0001
        }

        builder.Services.TryAddSingleton(services => new PlatformClient(PlatformHttpClient.Create(services, discovered)));
        builder.Services.TryAddSingleton<FirstReadyAnswer>();
        builder.Services.AddHostedService<PlatformRegistrationService>();
    }

    /// <summary>The name of the <see cref="HttpClient"/> the registration uses.</summary>
    public const string PlatformHttpClientName = "GoldenPath.Platform";
}
