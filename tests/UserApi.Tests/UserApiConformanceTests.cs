using GoldenPath.Testing;
using Xunit.Sdk;

namespace UserApi.Tests;

/// <summary>The golden-path conformance suite, run against the service with its real PostgreSQL and Redis.</summary>
public sealed class UserApiConformanceTests(UserApiFixture service) : GoldenPathConformanceTests<Program>, IClassFixture<UserApiFixture>
{
    protected override async ValueTask<IReadOnlyDictionary<string, string?>> GetSettingsAsync()
    {
        await service.ClientAsync();
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:users"] = service.PostgresConnectionString,
            ["ConnectionStrings:cache"] = service.RedisConnectionString,
        };
    }
}

/// <summary>The conformance suite itself: it fails a service whose readiness is not 200 while its dependencies are meant to be up.</summary>
public sealed class ConformanceSuiteTests(UserApiFixture service) : IClassFixture<UserApiFixture>
{
    [Fact]
    public async Task TheSuiteFailsAServiceThatIsNotReadyBecauseItsCacheDoesNotAnswer()
    {
        await service.ClientAsync();
        var suite = new UnreachableCache(service.PostgresConnectionString);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(suite.HealthEndpointsAnswerInProductionWithJson);

        Assert.Contains("/health/ready answered 503", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Not public: xunit runs it only through the test above.</summary>
    private sealed class UnreachableCache(string? postgres) : GoldenPathConformanceTests<Program>
    {
        protected override ValueTask<IReadOnlyDictionary<string, string?>> GetSettingsAsync() =>
            ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
            {
                ["ConnectionStrings:users"] = postgres,
                // Nothing listens on port 1: the service starts (the cache is optional at start-up), its readiness fails.
                ["ConnectionStrings:cache"] = "127.0.0.1:1,abortConnect=false,connectTimeout=500",
            });
    }
}
