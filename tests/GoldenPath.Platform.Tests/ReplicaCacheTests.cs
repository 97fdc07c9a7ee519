using GoldenPath.Platform.Data;
using GoldenPath.Platform.Domain;
using Microsoft.Extensions.Caching.Memory;

namespace GoldenPath.Platform.Tests;

public sealed class ReplicaCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AValueReadWhileItsKeyWasForgottenIsNotKept()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new ReplicaCache<string>("token", memory, new LocalCacheInvalidation(), () => TimeSpan.FromSeconds(30));
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loads = 0;

        // The lookup read the token before its revocation committed, and answers after it: its value is stale.
        var inFlight = cache.GetOrLoadAsync("hash", async _ =>
        {
            Interlocked.Increment(ref loads);
            reading.SetResult();
            await release.Task;
            return "active";
        }, Ct);
        await reading.Task;
        cache.Forget("hash");
        release.SetResult();
        Assert.Equal("active", await inFlight);

        var next = await cache.GetOrLoadAsync("hash", _ => { Interlocked.Increment(ref loads); return Task.FromResult<string?>("revoked"); }, Ct);

        Assert.Equal("revoked", next);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task AReplicaThatMayMissChangesKeepsNothingAndForgetsEverythingWhenTold()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var invalidation = new SwitchableInvalidation();
        var cache = new ReplicaCache<string>("owner", memory, invalidation, () => TimeSpan.FromSeconds(30));
        var loads = 0;
        Task<string?> Load(CancellationToken _) => Task.FromResult<string?>($"team-{Interlocked.Increment(ref loads)}");

        await cache.GetOrLoadAsync("orders", Load, Ct);
        await cache.GetOrLoadAsync("orders", Load, Ct);
        Assert.Equal(2, loads);

        invalidation.Live = true;
        await cache.GetOrLoadAsync("orders", Load, Ct);
        Assert.Equal("team-3", await cache.GetOrLoadAsync("orders", Load, Ct));

        invalidation.Disconnect();
        Assert.Equal("team-4", await cache.GetOrLoadAsync("orders", Load, Ct));
    }

    [Fact]
    public async Task AReplicaWhoseFeedStopsBeingLiveWithoutAWordServesNothingItHadCached()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var invalidation = new SwitchableInvalidation { Live = true };
        var cache = new ReplicaCache<string>("token", memory, invalidation, () => TimeSpan.FromSeconds(30));
        var loads = 0;
        Task<string?> Load(CancellationToken _) => Task.FromResult<string?>($"read-{Interlocked.Increment(ref loads)}");
        Assert.Equal("read-1", await cache.GetOrLoadAsync("hash", Load, Ct));
        Assert.Equal("read-1", await cache.GetOrLoadAsync("hash", Load, Ct));

        // The listening connection stalled: no error, no "forget everything", only no more proof that messages arrive.
        invalidation.Live = false;

        Assert.Equal("read-2", await cache.GetOrLoadAsync("hash", Load, Ct));
        Assert.Equal("read-3", await cache.GetOrLoadAsync("hash", Load, Ct));
    }

    /// <summary>An invalidation feed whose connection the test opens and breaks.</summary>
    private sealed class SwitchableInvalidation : CacheInvalidation
    {
        public bool Live { get; set; }

        public override bool IsLive => Live;

        public override Task PublishAsync(PlatformDbContext db, string topic, string key, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Disconnect()
        {
            Live = false;
            ForgetEverything();
        }
    }
}
