using Npgsql;

namespace GoldenPath.Testing.Tests;

public sealed class PostgreSqlContainerFixtureTests(PostgreSqlContainerFixture postgres) : IClassFixture<PostgreSqlContainerFixture>
{
    [Fact]
    public async Task WritesAndReadsBackARowThroughARealServer()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.GetConnectionStringAsync());
        var ct = TestContext.Current.CancellationToken;

        await using (var create = dataSource.CreateCommand(
            "CREATE TABLE round_trip (id int PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now())"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = dataSource.CreateCommand("INSERT INTO round_trip (id, name) VALUES ($1, $2)"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = 42 });
            insert.Parameters.Add(new NpgsqlParameter { Value = "orders-api" });
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(ct));
        }

        await using var select = dataSource.CreateCommand("SELECT name, current_database(), current_setting('server_version_num')::int FROM round_trip WHERE id = 42");
        await using var reader = await select.ExecuteReaderAsync(ct);
        Assert.True(await reader.ReadAsync(ct));
        Assert.Equal("orders-api", reader.GetString(0));
        Assert.Equal(postgres.Database, reader.GetString(1));
        Assert.True(reader.GetInt32(2) >= 150000, $"expected PostgreSQL 15 or newer, got {reader.GetInt32(2)}");
    }

    [Fact]
    public async Task AuthenticatesWithScramOverTcp()
    {
        var builder = new NpgsqlConnectionStringBuilder(await postgres.GetConnectionStringAsync()) { Password = "wrong-password" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync(TestContext.Current.CancellationToken));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }
}
