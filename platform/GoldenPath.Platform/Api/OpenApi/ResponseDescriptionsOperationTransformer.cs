using System.Globalization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GoldenPath.Platform;

/// <summary>
/// Describes each response by the description its endpoint metadata gives (<see cref="PlatformOpenApiExtensions.ProducesProblemWhen"/>),
/// so that a problem says when it happens rather than only its status text; the framework's minimal-API description of a
/// response does not carry it over. A 429 or 503 declares its <c>Retry-After</c> header.
/// </summary>
internal sealed class ResponseDescriptionsOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var described = context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.Description is { Length: > 0 })
            .GroupBy(m => m.StatusCode.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Description!, StringComparer.Ordinal);
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is OpenApiResponse concrete && described.TryGetValue(status, out var description))
            {
                concrete.Description = description;
            }

            if (response is OpenApiResponse retried && status is "429" or "503")
            {
                retried.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
                retried.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "How many seconds to wait before sending the request again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
        }

        return Task.CompletedTask;
    }
}
