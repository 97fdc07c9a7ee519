using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GoldenPath.Catalog.Contracts;
using Microsoft.AspNetCore.Http.Metadata;

namespace GoldenPath.Platform;

/// <summary>
/// The catalog's read responses, serialized with source-generated code (no reflection-built metadata, no per-request
/// logger) in exactly the form the API's default JSON options write: web names, nulls written. A page of 20 services
/// with their instances is ~100 KB of JSON, the largest answer the platform gives under load.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ServiceDescription>))]
[JsonSerializable(typeof(ServiceDescription))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;

/// <summary>A 200 with a JSON body written by <see cref="CatalogJsonContext"/>; declares itself to OpenAPI as <c>Ok&lt;T&gt;</c> does.</summary>
internal sealed class CatalogJson<T>(T value, JsonTypeInfo<T> type) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<T>, IValueHttpResult
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        return httpContext.Response.WriteAsJsonAsync(value, type, contentType: null, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}

/// <summary>Makes <see cref="CatalogJson{T}"/> results.</summary>
internal static class CatalogJson
{
    public static CatalogJson<IReadOnlyList<ServiceDescription>> Ok(IReadOnlyList<ServiceDescription> page) => new(page, CatalogJsonContext.Default.IReadOnlyListServiceDescription);

    public static CatalogJson<ServiceDescription> Ok(ServiceDescription service) => new(service, CatalogJsonContext.Default.ServiceDescription);
}
