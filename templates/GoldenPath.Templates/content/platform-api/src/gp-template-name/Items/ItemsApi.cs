using Microsoft.AspNetCore.Http.HttpResults;

namespace GpTemplateNamespace.Items;

/// <summary>The service's endpoints: <c>/api/items</c>.</summary>
public static partial class ItemsApi
{
    public const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapItemsApi(this IEndpointRouteBuilder endpoints)
    {
        var items = endpoints.MapGroup("/api/items").WithTags("Items");

        items.MapGet("/", async Task<Ok<IReadOnlyList<Item>>> (IItemStore store, CancellationToken ct, int limit = 50) =>
            TypedResults.Ok(await store.ListAsync(Math.Clamp(limit, 1, 500), ct)));

        items.MapGet("/{id:guid}", async Task<Results<Ok<Item>, ProblemHttpResult>> (Guid id, IItemStore store, CancellationToken ct) =>
            await store.FindAsync(id, ct) is { } item
                ? TypedResults.Ok(item)
                : TypedResults.Problem($"No item has the id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found"));

        items.MapPost("/", async Task<Results<Created<Item>, ValidationProblem>> (NewItem body, IItemStore store, ILoggerFactory loggers, CancellationToken ct) =>
        {
            var name = body.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["name"] = [$"'name' is required and has 1 to {MaxNameLength} characters; got {(name is null ? "none" : $"{name.Length}")}."],
                });
            }

            var item = await store.AddAsync(name, ct);
            ItemAdded(loggers.CreateLogger(typeof(ItemsApi)), item.Id);
            return TypedResults.Created($"/api/items/{item.Id}", item);
        });

        return endpoints;
    }

    [LoggerMessage(LogLevel.Information, "Added item {ItemId}")]
    private static partial void ItemAdded(ILogger logger, Guid itemId);
}
