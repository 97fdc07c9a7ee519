using GoldenPath.Testing;

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
