using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using GoldenPath.Kubernetes;

namespace GoldenPath.Hosting.Tests;

public sealed class GoldenPathHostingTests
{
    // build.sh exports GOLDENPATH_*_IMAGE for the machine's local images; these tests set their own.
    private static readonly string[] s_noMachineImages = ["GOLDENPATH_POSTGRES_IMAGE=", "GOLDENPATH_REDIS_IMAGE="];

    [Fact]
    public void TheOfficialImagesAreTheDefault()
    {
        var builder = DistributedApplication.CreateBuilder(s_noMachineImages);

        var postgres = builder.AddGoldenPathPostgres("db");
        var redis = builder.AddGoldenPathRedis("cache");

        Assert.Equal("library/postgres", Image(postgres.Resource).Image);
        Assert.Equal("docker.io", Image(postgres.Resource).Registry);
        Assert.Equal("library/redis", Image(redis.Resource).Image);
    }

    [Fact]
    public void ConfigurationReplacesAnImage()
    {
        var builder = DistributedApplication.CreateBuilder(["GoldenPath:Images:Postgres=goldenpath.local/postgres:15", "GOLDENPATH_REDIS_IMAGE=mirror.example.com/library/redis:7.4", "GOLDENPATH_POSTGRES_IMAGE="]);

        var postgres = Image(builder.AddGoldenPathPostgres("db").Resource);
        var redis = Image(builder.AddGoldenPathRedis("cache").Resource);

        Assert.Equal((null, "goldenpath.local/postgres", "15"), (postgres.Registry, postgres.Image, postgres.Tag));
        Assert.Equal(("mirror.example.com", "library/redis", "7.4"), (redis.Registry, redis.Image, redis.Tag));
    }

    [Fact]
    public void ARegistryMirrorMovesEveryGoldenPathImage()
    {
        var builder = DistributedApplication.CreateBuilder([.. s_noMachineImages, "GoldenPath:Images:Registry=mirror.example.com"]);

        Assert.Equal("mirror.example.com", Image(builder.AddGoldenPathPostgres("db").Resource).Registry);
        Assert.Equal("mirror.example.com", Image(builder.AddGoldenPathRedis("cache").Resource).Registry);
    }

    [Fact]
    public void ABadImageSettingSaysWhichSettingAndWhy()
    {
        var builder = DistributedApplication.CreateBuilder(["GoldenPath:Images:Postgres=postgres@sha256:abc"]);

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddGoldenPathPostgres("db"));

        Assert.StartsWith("GoldenPath:Images:Postgres (or GOLDENPATH_POSTGRES_IMAGE): 'postgres@sha256:abc' is not an image reference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServiceIsWiredToThePlatformWithItsUrlHeartbeatAndReadinessCheckAndNeverTheAdminToken()
    {
        var builder = DistributedApplication.CreateBuilder();
        var platform = builder.AddGoldenPathPlatform<PlatformProject>("platform");

        var service = builder.AddGoldenPathService<ServiceProject>("orders-api");

        var environment = await Environment(service.Resource);
        Assert.Equal("{platform.bindings.http.url}", environment["GoldenPath__Platform__Url"]);
        Assert.DoesNotContain(environment, v => v.Value?.Contains("platform-admin-token", StringComparison.Ordinal) == true);
        Assert.False(environment.ContainsKey("GoldenPath__Platform__Token"), "the token is the service's team's, created when it starts (run) or read from its team's Secret (publish)");
        Assert.Contains(service.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == platform.Resource);
        Assert.Equal("00:00:10", environment["GoldenPath__Platform__HeartbeatInterval"]);
        Assert.Contains(service.Resource.Annotations.OfType<HealthCheckAnnotation>(), a => a.Key.Contains("/health/ready", StringComparison.Ordinal));
        Assert.Single(service.Resource.Annotations.OfType<GoldenPathWorkloadAnnotation>());

        var platformEnvironment = await Environment(platform.Resource);
        Assert.Equal("{platform-admin-token.value}", platformEnvironment["GoldenPath__Platform__BootstrapToken"]);
        Assert.False(platformEnvironment.ContainsKey("GoldenPath__Platform__AnonymousRead"), "a published platform must not allow anonymous reads");
        Assert.Equal("{platform-db.connectionString}", platformEnvironment["ConnectionStrings__platform"]);
        Assert.True(builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "platform-admin-token").Secret);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AServiceIsWiredToThePlatformWhicheverOfTheTwoIsAddedFirst(bool platformFirst)
    {
        var builder = DistributedApplication.CreateBuilder();
        IResourceBuilder<ProjectResource> platform, service;
        if (platformFirst)
        {
            platform = builder.AddGoldenPathPlatform<PlatformProject>("platform");
            service = builder.AddGoldenPathService<ServiceProject>("orders-api");
        }
        else
        {
            service = builder.AddGoldenPathService<ServiceProject>("orders-api");
            platform = builder.AddGoldenPathPlatform<PlatformProject>("platform");
        }

        var environment = await Environment(service.Resource);

        Assert.Equal("{platform.bindings.http.url}", environment["GoldenPath__Platform__Url"]);
        Assert.Equal("00:00:10", environment["GoldenPath__Platform__HeartbeatInterval"]);
        Assert.Single(service.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == platform.Resource);
        Assert.DoesNotContain(platform.Resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource == service.Resource);
    }

    [Fact]
    public async Task AServiceWithoutAPlatformIsNotWiredToOne()
    {
        var builder = DistributedApplication.CreateBuilder();

        var service = builder.AddGoldenPathService<ServiceProject>("orders-api");

        var environment = await Environment(service.Resource);
        Assert.False(environment.ContainsKey("GoldenPath__Platform__Url"));
        Assert.False(environment.ContainsKey("GoldenPath__Platform__HeartbeatInterval"));
        Assert.Empty(service.Resource.Annotations.OfType<WaitAnnotation>());
    }

    [Fact]
    public void WorkloadSettingsAreRecordedForPublishing()
    {
        var builder = DistributedApplication.CreateBuilder();

        var service = builder.AddGoldenPathService<ServiceProject>("orders-api")
            .WithGoldenPathWorkload(w => (w.Size, w.Replicas, w.External) = (WorkloadSize.Large, 3, true));

        var workload = Assert.Single(service.Resource.Annotations.OfType<GoldenPathWorkloadAnnotation>());
        Assert.Equal((WorkloadSize.Large, 3, true), (workload.Size, workload.Replicas, workload.External));
    }

    private static ContainerImageAnnotation Image(IResource resource) => resource.Annotations.OfType<ContainerImageAnnotation>().Last();

    private static async Task<Dictionary<string, string?>> Environment(IResource resource)
    {
        // Publish mode gives the values as manifest expressions ({platform.bindings.http.url}), without running anything.
#pragma warning disable CS0618 // Obsolete in 13.6 in favour of ExecutionConfigurationBuilder; still what publish-mode reading uses.
        var values = await ((IResourceWithEnvironment)resource).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
        return values.ToDictionary(v => v.Key, v => (string?)v.Value);
    }

    /// <summary>Project files for the app model; Aspire checks that they exist, nothing builds them here.</summary>
    private static string ProjectFile(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "goldenpath-hosting-tests", name);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{name}.csproj");
        File.WriteAllText(file, "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />");
        return file;
    }

    private sealed class PlatformProject : IProjectMetadata
    {
        public string ProjectPath { get; } = ProjectFile("Platform");
    }

    private sealed class ServiceProject : IProjectMetadata
    {
        public string ProjectPath { get; } = ProjectFile("OrdersApi");
    }
}
