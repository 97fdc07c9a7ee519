using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Tests;
using Microsoft.Playwright;

namespace GoldenPath.Platform.Portal.Tests;

/// <summary>The portal's pages in Chromium, against the real platform with a seeded history.</summary>
public sealed class PortalBrowserTests(PortalBrowser browser) : IClassFixture<PortalBrowser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PortalSeed Seed => browser.Seed;

    [Fact]
    public async Task EveryPageLoadsWithoutAConsoleErrorShowsTheSeededFiguresAndHasNoSeriousAccessibilityViolation()
    {
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, Seed.TeamAReader);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        var scorecard = await browser.Platform.Client(Seed.TeamAReader).GetFromJsonAsync($"/api/v1/scorecards/{Seed.Busy}", PlatformJsonContext.Default.Scorecard, Ct);

        var pages = new (string Name, string Path, string[] Shows)[]
        {
            ("catalog", $"/portal?team={Seed.TeamA}", [Seed.TeamAServices[0], Seed.TeamAServices[24], "30 services match"]),
            ("service", $"/portal/services/{Seed.Busy}", ["pod-0", "deploy-12", "inc-4", "Errors after deploy-4", $"{scorecard!.Passed} of {scorecard.Total} checks", Seed.TeamAServices[1], $"{Seed.Busy}-api"]),
            ("team", $"/portal/teams/{Seed.TeamA}", [Seed.TeamAServices[29], "Bronze: 2"]),
            ("dora", $"/portal/dora?service={Seed.Busy}", ["Deployments per week", "Lead time for changes", "12 deployments", "Bands from the DORA report of 2024"]),
            ("adoption", "/portal/adoption", ["Services onboarded per team", "Scorecard levels across the fleet", Seed.TeamB]),
        };
        foreach (var (name, path, shows) in pages)
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            var text = await page.Locator("main").InnerTextAsync();
            Assert.All(shows, expected => Assert.Contains(expected, text, StringComparison.Ordinal));
            var axe = await page.RunAxe();
            Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{name}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target.ToString()))}"));
            await ScreenshotAsync(page, name);
        }

        await page.GotoAsync($"/portal/dora?service={Seed.Busy}");
        Assert.Equal(4, await page.Locator("svg.chart").CountAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheDoraPagesFiguresEqualTheApisForTheOrganisationATeamAndAService()
    {
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, Seed.TeamAReader);
        var api = browser.Platform.Client(Seed.TeamAReader);

        foreach (var scope in new[] { "", $"team={Seed.TeamA}&", $"service={Seed.Busy}&", $"service={Seed.Hostile}&" })
        {
            var report = await api.GetFromJsonAsync($"/api/v1/dora?{scope}environment=prod&days=90", PlatformJsonContext.Default.DoraReport, Ct);
            await page.GotoAsync($"/portal/dora?{scope}environment=prod&days=90");

            Assert.Equal(report!.Deployments.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Locator("#deployments").InnerTextAsync());
            Assert.Equal(report.BandsReportYear.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.Locator("#bands-year").InnerTextAsync());
            foreach (var (key, _, metric) in new DoraView(report, null!).Metrics)
            {
                Assert.Equal(DoraView.Display(metric), await page.Locator($"[data-metric={key}]").InnerTextAsync());
                Assert.Equal(metric.Band ?? "none", await page.Locator($"[data-band={key}]").InnerTextAsync());
            }
        }

        // The seeded history has figures on every metric: the comparison above compared numbers, not "not enough data".
        var busy = await api.GetFromJsonAsync($"/api/v1/dora?service={Seed.Busy}&environment=prod&days=90", PlatformJsonContext.Default.DoraReport, Ct);
        Assert.All(new[] { busy!.DeploymentFrequency, busy.LeadTimeForChanges, busy.ChangeFailureRate, busy.FailedDeploymentRecoveryTime }, m => Assert.NotNull(m.Value));
    }

    [Fact]
    public async Task TheCatalogFiltersSearchesAndPages()
    {
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, Seed.TeamAReader);

        await page.GotoAsync("/portal");
        await page.GetByLabel("Team").FillAsync(Seed.TeamA);
        await FilterAsync(page, "team=");
        var first = await ServiceNamesAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("p=2", StringComparison.Ordinal));
        var second = await ServiceNamesAsync(page);

        Assert.Equal(Seed.TeamAServices.Take(25), first);
        Assert.Equal(Seed.TeamAServices.Skip(25), second);
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).CountAsync());

        await page.GotoAsync("/portal");
        await page.GetByLabel("Search by name").FillAsync(Seed.TeamAServices[17][..6]);
        await page.GetByLabel("Team").FillAsync(Seed.TeamA);
        await FilterAsync(page, "q=");
        Assert.Equal([Seed.TeamAServices[17]], await ServiceNamesAsync(page));

        await page.GotoAsync($"/portal?team={Seed.TeamA}");
        await page.GetByLabel("Lifecycle").SelectOptionAsync("experimental");
        await FilterAsync(page, "lifecycle=experimental");
        Assert.Equal(Seed.TeamAServices.Where((_, i) => i % 3 == 2), await ServiceNamesAsync(page));

        await page.GotoAsync($"/portal?team={Seed.TeamA}");
        await page.GetByLabel("Level").SelectOptionAsync("Bronze");
        await FilterAsync(page, "level=Bronze");
        Assert.Equal(Seed.TeamAServices.Take(2), await ServiceNamesAsync(page));
    }

    [Fact]
    public async Task ASignedOutVisitorIsSentToSignInAndComesBackToThePageAfterwards()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/portal/services/{Seed.Busy}");
        Assert.EndsWith("/portal/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        var signInPage = await page.ContentAsync();
        Assert.DoesNotContain("pod-0", signInPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Service 0 of the payments team", signInPage, StringComparison.Ordinal);

        await page.GetByLabel("Platform token with the scope read").FillAsync(Seed.TeamBReader);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/portal/services/", StringComparison.Ordinal));
        Assert.Equal($"/portal/services/{Seed.Busy}", new Uri(page.Url).AbsolutePath);
        Assert.Contains("pod-0", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/portal/signin", StringComparison.Ordinal));
        await page.GotoAsync("/portal");
        Assert.EndsWith("/portal/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherTeamsReaderSeesWhatTheApiShowsItAndNoTokenOnAnyPage()
    {
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, Seed.TeamBReader);
        var api = await browser.Platform.Client(Seed.TeamBReader).GetFromJsonAsync($"/api/v1/services/{Seed.Busy}", PlatformJsonContext.Default.ServiceDescription, Ct);

        foreach (var path in new[] { "/portal", $"/portal/services/{Seed.Busy}", $"/portal/teams/{Seed.TeamA}", "/portal/dora", "/portal/adoption", $"/portal/services/{Seed.Hostile}" })
        {
            await page.GotoAsync(path);
            var html = await page.ContentAsync();
            foreach (var secret in new[] { Seed.TeamAReader, Seed.TeamBReader, Seed.TeamAWriter, PlatformApp.BootstrapToken, "gpt_" })
            {
                Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
            }
        }

        await page.GotoAsync($"/portal/services/{Seed.Busy}");
        var text = await page.Locator("main").InnerTextAsync();
        Assert.Contains(api!.Description!, text, StringComparison.Ordinal);
        Assert.All(api.Instances, i => Assert.Contains(i.InstanceId, text, StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("form[method=post]:not([action='/portal/signout'])").CountAsync());
    }

    [Fact]
    public async Task MarkupInAServicesDescriptionIsShownAsTextAndNeverRuns()
    {
        await using var context = await browser.NewContextAsync();
        var page = await SignInAsync(context, Seed.TeamAReader);

        await page.GotoAsync($"/portal/services/{Seed.Hostile}");

        Assert.Contains(PortalSeed.HostileDescription, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("main img").CountAsync());
        Assert.Equal(0, await page.Locator("main script").CountAsync());
        Assert.DoesNotContain("owned", await page.TitleAsync(), StringComparison.Ordinal);
    }

    private async Task<IPage> SignInAsync(IBrowserContext context, string token)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/portal/signin");
        await page.GetByLabel("Platform token with the scope read").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/portal");
        return page;
    }

    private static async Task FilterAsync(IPage page, string inUrl)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains(inUrl, StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<string>> ServiceNamesAsync(IPage page) =>
        await page.Locator("main table tbody tr td:first-child a").AllInnerTextsAsync();

    /// <summary>Each page's screenshot for docs/portal.md, into the folder GOLDENPATH_PORTAL_SCREENSHOTS names (e.g. docs/images); none when it is not set, to keep CI short.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("GOLDENPATH_PORTAL_SCREENSHOTS") is not { Length: > 0 } set)
        {
            return;
        }

        var directory = Path.GetFullPath(set, GoldenPath.Tests.Repository.Root);
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, $"portal-{name}.png"), FullPage = true });
    }
}
