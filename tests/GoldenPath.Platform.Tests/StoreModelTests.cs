using System.Net.Http.Json;
using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The store's model is the platform's own: no column holds a type of the SDK's contracts (a contract change is not a
/// schema change), the model has no change without its migration, and rows keep the JSON shape they were written in.
/// Run on SQLite and PostgreSQL.
/// </summary>
public abstract class StoreModelTests(IPlatformStore store)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 31, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheStoreModelHasNoChangeThatItsMigrationsLack()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider(Now))).App;

        var pending = await platform.QueryAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(pending, "The store's model differs from its last migration; add one for SQLite and PostgreSQL (see docs/development.md).");
    }

    [Fact]
    public async Task NoColumnOfTheStoreHoldsATypeOfTheSdkContracts()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider(Now))).App;

        var foreign = await platform.QueryAsync(db => Task.FromResult(db.Model.GetEntityTypes()
            .SelectMany(entity => entity.GetProperties().Select(property => (Column: $"{entity.GetTableName()}.{property.Name}", Type: property.ClrType)))
            .SelectMany(column => TypesOf(column.Type).Select(type => (column.Column, Type: type)))
            .Where(column => column.Type.Assembly != typeof(object).Assembly && column.Type.Assembly != typeof(PlatformDbContext).Assembly)
            .Select(column => $"{column.Column}: {column.Type.FullName} ({column.Type.Assembly.GetName().Name})")
            .ToList()));

        Assert.Empty(foreign);
    }

    [Fact]
    public async Task RowsWrittenInTheStoredShapeReadBackThroughTheApi()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider(Now))).App;
        await platform.QueryAsync(async db =>
        {
            object at = db.Database.IsSqlite() ? new DateTimeOffsetToBinaryConverter().ConvertToProvider(Now)! : Now;
            await db.Database.ExecuteSqlAsync($$"""
                INSERT INTO services ("Name", "Owner", "System", "Lifecycle", "Type", "Description", "Tags", "Links", "ProvidesApis", "ConsumesApis", "DependsOn", "ApiDefinitions", "CreatedAt", "UpdatedAt")
                VALUES ('cart', 'team-a', 'checkout', 'production', 'service', NULL, '["shop"]',
                  '[{"url":"https://runbooks.example.com/cart","title":"Runbook","icon":"docs","type":"runbook"}]', '[]', '[]',
                  '[{"name":"cartdb","kind":"postgres"}]', '[{"name":"cart-api","type":"openapi","definition":"openapi: 3.0.0"}]', {{at}}, {{at}})
                """, Ct);
            return 0;
        });

        var cart = await platform.Client(await platform.TokenAsync("team-a", "read"))
            .GetFromJsonAsync("/api/v1/services/cart", PlatformJsonContext.Default.ServiceDescription, Ct);

        Assert.Equal([new EntityLink("https://runbooks.example.com/cart", "Runbook", "docs", "runbook")], cart!.Links);
        Assert.Equal([new ServiceDependency("cartdb", "postgres")], cart.DependsOn);
        Assert.Equal([new ApiDefinition("cart-api", "openapi", "openapi: 3.0.0")], cart.ApiDefinitions);
    }

    private static IEnumerable<Type> TypesOf(Type type) =>
        type.IsGenericType ? [type.GetGenericTypeDefinition(), .. type.GetGenericArguments().SelectMany(TypesOf)] : [type];
}

public sealed class SqliteStoreModelTests(SqliteStore store) : StoreModelTests(store), IClassFixture<SqliteStore>;

public sealed class PostgresStoreModelTests(PostgresStore store) : StoreModelTests(store), IClassFixture<PostgresStore>;
