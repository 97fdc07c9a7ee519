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
    public async Task OrdersPlacedBeforeTheWorkerStartedAreNotLost()
    {
        await worker.RequireAsync();

        await Poll.UntilAsync(async () => (await worker.Client.GetAsync($"/orders/{worker.EarlyOrderId}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the early order to be recorded");
    }
}
