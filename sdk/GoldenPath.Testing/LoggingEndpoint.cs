using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GoldenPath.Testing;

/// <summary>
/// For the conformance suite's log check: an endpoint in front of the service's own pipeline that logs one line
/// inside a scope of its own, as a service's endpoint would inside its request.
/// </summary>
internal sealed partial class LoggingEndpoint : IStartupFilter
{
    public const string Path = "/_goldenpath/conformance/log";

    public const string Message = "golden-path conformance: a line logged inside a request";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (context.Request.Path != Path)
            {
                await nextMiddleware(context);
                return;
            }

            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("GoldenPath.Conformance");
            using (logger.BeginScope(new Dictionary<string, object?> { ["ConformanceCheck"] = "logs" }))
            {
                // Warning: a service may keep Information out of its production logs.
                Logged(logger);
            }

            await context.Response.WriteAsync("logged", context.RequestAborted);
        });
        next(app);
    };

    [LoggerMessage(LogLevel.Warning, Message)]
    private static partial void Logged(ILogger logger);
}
