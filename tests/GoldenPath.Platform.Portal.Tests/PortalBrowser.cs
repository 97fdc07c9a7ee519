using GoldenPath.Platform.Tests;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace GoldenPath.Platform.Portal.Tests;

/// <summary>
/// One Chromium and one seeded platform for the whole class (a browser starts in about a second; each test opens its
/// own context, so cookies never leak between tests). Debian's Chromium at /usr/bin/chromium: Playwright cannot
/// download its own browser here.
/// </summary>
public sealed class PortalBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _directory = Directory.CreateTempSubdirectory("goldenpath-portal-").FullName;
    private IPlaywright? _playwright;

    internal PlatformApp Platform { get; private set; } = null!;

    internal PortalSeed Seed { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress => Platform.Anonymous.BaseAddress!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The portal's browser tests need Debian's Chromium at {ChromiumPath}, which is not installed: run ./build.sh prereqs (eng/prereqs-chromium.sh).");
        }

        Platform = new PlatformApp(null, _directory, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)));
        Platform.StartServer();
        Seed = await PortalSeed.WriteAsync(Platform, teamAServices: 30);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            ChromiumSandbox = false,
            // Without these, Chromium tries Google's hosts at every start on a machine with no way out.
            Args = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"],
        });
    }

    /// <summary>A fresh browser context (its own cookies). CSP is bypassed so that only the pages' own encoding stands between markup and the page.</summary>
    public Task<IBrowserContext> NewContextAsync() => Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString(), BypassCSP = true, ViewportSize = new() { Width = 1280, Height = 900 } });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Platform.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
