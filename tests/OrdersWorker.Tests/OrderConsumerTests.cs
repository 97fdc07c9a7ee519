using System.Net;
using System.Text.Json;
using GoldenPath.Tests;
using StackExchange.Redis;

namespace OrdersWorker.Tests;

public sealed class OrderConsumerTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordsEachOrderOnceEvenWhenTheEventArrivesTwiceAndDeadLettersGarbage()
    {
        await worker.RequireAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(worker.RedisConnectionString);
        var stream = connection.GetDatabase();
        var orderId = Guid.NewGuid();
        var userId = Guid.NewGuid();
        var deadLettersBefore = await stream.StreamLengthAsync("orders:dead-letter");

        await stream.StreamAddAsync("orders", WorkerFixture.Order(orderId, userId, "12.50"));
        await stream.StreamAddAsync("orders", WorkerFixture.Order(orderId, userId, "12.50"));
        await stream.StreamAddAsync("orders", [new NameValueEntry("orderId", "not-a-guid")]);

        await Poll.UntilAsync(async () => (await worker.Client.GetAsync($"/orders/{orderId}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the order to be recorded");
        await Poll.UntilAsync(async () => (await stream.StreamPendingAsync("orders", "orders-worker")).PendingMessageCount == 0
            && await stream.StreamLengthAsync("orders:dead-letter") == deadLettersBefore + 1, TimeSpan.FromSeconds(30), "every entry to be acknowledged");
        var recorded = JsonDocument.Parse(await worker.Client.GetStringAsync($"/orders/{orderId}", Ct)).RootElement;
        Assert.Equal(userId.ToString(), recorded.GetProperty("userId").GetString());
        Assert.Equal(12.50m, recorded.GetProperty("amount").GetDecimal());
        await using var db = Npgsql.NpgsqlDataSource.Create(worker.PostgresConnectionString);
        await using var count = db.CreateCommand("SELECT count(*) FROM orders WHERE order_id = $1");
        count.Parameters.Add(new Npgsql.NpgsqlParameter { Value = orderId });
        Assert.Equal(1L, await count.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task AnOrderIsNotDeadLetteredWhileTheDatabaseRefusesWrites()
    {
        await worker.RequireAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(worker.RedisConnectionString);
        var stream = connection.GetDatabase();
        var warmUp = Guid.NewGuid();
        await stream.StreamAddAsync("orders", WorkerFixture.Order(warmUp, Guid.NewGuid(), "1"));
        await Poll.UntilAsync(async () => (await worker.Client.GetAsync($"/orders/{warmUp}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the table to exist");
        var deadLettersBefore = await stream.StreamLengthAsync("orders:dead-letter");
        await using var postgres = new Npgsql.NpgsqlConnection(worker.PostgresConnectionString);
        await postgres.OpenAsync(Ct);
        // As a read-only server after a failover: every INSERT fails with 25006, which is not the order's fault. The
        // attempts are counted by a sequence (not rolled back with the failed INSERT).
        await Execute(postgres, """
            CREATE SEQUENCE insert_attempts;
            CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM nextval('insert_attempts');
                RAISE EXCEPTION 'cannot execute INSERT in a read-only transaction' USING ERRCODE = '25006';
            END $$;
            CREATE TRIGGER refuse_insert BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse_insert();
            """);
        var orderId = Guid.NewGuid();
        try
        {
            await stream.StreamAddAsync("orders", WorkerFixture.Order(orderId, Guid.NewGuid(), "7"));
            // More failed attempts than MaxDeliveries (5): the order would be dead-lettered by now if they counted.
            await Poll.UntilAsync(async () => await AttemptsAsync(postgres) >= 7, TimeSpan.FromSeconds(90), "the worker to be refused more than 5 times");
            Assert.Equal(deadLettersBefore, await stream.StreamLengthAsync("orders:dead-letter"));
        }
        finally
        {
            await Execute(postgres, """
                DROP TRIGGER refuse_insert ON orders;
                DROP FUNCTION refuse_insert();
                DROP SEQUENCE insert_attempts;
                """);
        }

        await Poll.UntilAsync(async () => (await worker.Client.GetAsync($"/orders/{orderId}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the order to be recorded once the database takes writes again");
        Assert.Equal(deadLettersBefore, await stream.StreamLengthAsync("orders:dead-letter"));
    }

    private static async Task Execute(Npgsql.NpgsqlConnection postgres, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, postgres);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> AttemptsAsync(Npgsql.NpgsqlConnection postgres)
    {
        await using var command = new Npgsql.NpgsqlCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM insert_attempts", postgres);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task OrdersPlacedBeforeTheWorkerStartedAreNotLost()
    {
        await worker.RequireAsync();

        await Poll.UntilAsync(async () => (await worker.Client.GetAsync($"/orders/{worker.EarlyOrderId}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the early order to be recorded");
    }
}
