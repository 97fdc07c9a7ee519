using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoldenPath.Platform.Tests;

/// <summary>The platform's settings are bound once: what the application's own configuration of them says is what every part reads.</summary>
public sealed class PlatformOptionsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("goldenpath-platform-").FullName;

    [Fact]
    public async Task AChangeToThePlatformsOptionsReachesItsAuthorizationAndItsBodyLimitNotOnlyIOptions()
    {
        await using var platform = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:platform", "");
            builder.UseSetting("GoldenPath:Platform:DataDirectory", _data);
            builder.UseSetting("GoldenPath:Platform:AnonymousRead", "false");
            builder.UseSetting("GoldenPath:Platform:BootstrapToken", PlatformApp.BootstrapToken);
            builder.ConfigureTestServices(services => services.PostConfigure<PlatformOptions>(o => (o.AnonymousRead, o.MaxRequestBodyBytes) = (true, 4096)));
        });
        platform.UseKestrel(0);
        platform.StartServer();
        using var anonymous = platform.CreateClient();
        using var admin = platform.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PlatformApp.BootstrapToken);
        var body = $"{{\"owner\":\"team-a\",\"lifecycle\":\"production\",\"description\":\"{new string('x', 8000)}\"}}";

        using var read = await anonymous.GetAsync("/api/v1/services", TestContext.Current.CancellationToken);
        using var large = await admin.PutAsync("/api/v1/services/orders-api", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.True(platform.Services.GetRequiredService<IOptions<PlatformOptions>>().Value.AnonymousRead);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
