using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GoldenPath.Hosting;

/// <summary>
/// Says in the app host's console, not only in the dashboard, when a golden-path container fails to start (most often:
/// its image cannot be pulled, on a machine without registry access), with the image and the settings that fix it.
/// </summary>
internal static partial class ContainerStartFailureReport
{
    /// <summary>
    /// Watches the app's resources once it starts; called before the first golden-path container is marked, so the
    /// watch is registered once per app host however many containers there are.
    /// </summary>
    public static void EnsureRegistered(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode || builder.Resources.Any(r => r.Annotations.OfType<GoldenPathImageAnnotation>().Any()))
        {
            return;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((started, cancellationToken) =>
        {
            var notifications = started.Services.GetRequiredService<ResourceNotificationService>();
            var logger = started.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GoldenPath.Hosting");
            var stopping = started.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => WatchAsync(notifications, logger, stopping), stopping);
            return Task.CompletedTask;
        });
    }

    private static async Task WatchAsync(ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (change.Resource is ContainerResource container
                    && container.Annotations.OfType<GoldenPathImageAnnotation>().FirstOrDefault() is { } image
                    && change.Snapshot.State?.Text == KnownResourceStates.FailedToStart
                    && reported.Add(container.Name))
                {
                    var reference = container.TryGetContainerImageName(out var name) ? name : "(unknown image)";
                    Log.ContainerFailedToStart(logger, container.Name, reference, image.Key, ImageSettings.VariableOf(image.Key));
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error,
            "The container '{Resource}' failed to start from the image '{Image}'; most often the image could not be pulled (no registry access). " +
            "Fix: run ./build.sh prereqs, which builds local images and records them in artifacts/images.env for the app host; " +
            "or set GoldenPath:Images:{Key} (or {Variable}) to an image this machine has, or GoldenPath:Images:Registry to a registry mirror. " +
            "The container's own log in the dashboard has the engine's message.")]
        public static partial void ContainerFailedToStart(ILogger logger, string resource, string image, string key, string variable);
    }
}
