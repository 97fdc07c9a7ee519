namespace GpTemplateNamespace.Items;

/// <summary>An item: the example resource of this service. Replace it with your own.</summary>
/// <param name="Id">The item's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Item(Guid Id, string Name, DateTimeOffset CreatedAt);

/// <summary>The body of <c>POST /api/items</c>.</summary>
/// <param name="Name">The new item's name: 1 to 200 characters.</param>
public sealed record NewItem(string? Name);

/// <summary>Where items are kept.</summary>
public interface IItemStore
{
    Task<Item> AddAsync(string name, CancellationToken ct);

    Task<Item?> FindAsync(Guid id, CancellationToken ct);

    Task<IReadOnlyList<Item>> ListAsync(int limit, CancellationToken ct);
}
