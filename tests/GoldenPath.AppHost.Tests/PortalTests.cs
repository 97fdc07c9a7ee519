using System.Net.Http.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using GoldenPath.Catalog.Contracts;

namespace GoldenPath.AppHost.Tests;

/// <summary>The portal of the running local stack, found where the app host publishes it and read as a browser would get it.</summary>
[Collection(StackCollection.Name)]
public sealed class PortalTests(StackFixture stack)
{
    private static readonly string[] SampleServices = ["user-api", "orders-worker"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePortalTheAppHostLinksShowsTheLocalServicesWithTheirInstancesLevelsScorecardsAndTheirStartsAsDeploymentsOfTheCurrentCommit()
    {
        var app = await stack.GetAppAsync();
        var portal = PortalUrl(app);
        using var http = new HttpClient();
        var api = app.CreateHttpClient("platform");
        var head = await GitHeadAsync();
        await Poll.UntilAsync(async () => (await LocalDeploymentsAsync(api)).Count == SampleServices.Length, TimeSpan.FromMinutes(2),
            "a deployment of each sample service reported by the app host");
        var services = (await api.GetFromJsonAsync("/api/v1/services", PlatformJsonContext.Default.IReadOnlyListServiceDescription, Ct))!;

        var catalog = await PageAsync(http, portal);

        foreach (var name in SampleServices)
        {
            var instance = services.Single(s => s.Name == name).Instances.MaxBy(i => i.LastHeartbeatAt)!;
            var row = catalog.QuerySelectorAll("tbody tr").SingleOrDefault(r => r.QuerySelector("td a")?.TextContent == name)
                ?? throw new Xunit.Sdk.XunitException($"{portal} has no row for {name}: {catalog.Body?.TextContent}");
            var cells = row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
            Assert.Equal("development", instance.Environment);
            Assert.Equal($"{instance.Environment}: 1", cells[4]);
            Assert.Equal(instance.SdkVersion, cells[5]);
            var href = new Uri(portal, row.QuerySelector("td a")!.GetAttribute("href"));
            var page = await PageAsync(http, href);
            // The catalog shows the stored level (refreshed each GoldenPath:Platform:ScorecardRefreshInterval, 1 min) and
            // the service page the live one: right after an instance came or went (another test restarts a sample) they
            // may differ for up to that interval, then agree.
            await Poll.UntilAsync(async () =>
            {
                var stored = (await PageAsync(http, portal)).QuerySelectorAll("tbody tr")
                    .Single(r => r.QuerySelector("td a")?.TextContent == name).QuerySelector("td span.level")!.TextContent;
                page = await PageAsync(http, href);
                return stored != "No level" && stored == page.QuerySelector("h1 span.level")?.TextContent;
            }, TimeSpan.FromMinutes(3), $"the catalog's stored level of {name} and its page's live level to agree on a level");
            var instances = Rows(page, "Live instances");
            Assert.Contains(instances, r => r[1] == instance.Version && r[2] == instance.Environment);
            Assert.Matches(@"^Scorecard: \d+ of \d+ checks", Section(page, "Scorecard").TextContent);
            Assert.Contains(Rows(page, "Scorecard"), r => r[0].Contains("(live-instance)", StringComparison.Ordinal) && r[2] == "passed");
            var deployment = Assert.Single(Rows(page, "Recent deployments"), r => r[0].StartsWith($"local-{name}-", StringComparison.Ordinal));
            Assert.Equal((instance.Environment, instance.Version, head, "regular", "success"), (deployment[1], deployment[2], deployment[3], deployment[6], deployment[7]));

            var dora = await PageAsync(http, new Uri(portal, $"/portal/dora?service={name}&environment={instance.Environment}"));
            Assert.True(int.Parse(dora.QuerySelector("#deployments")!.TextContent, System.Globalization.CultureInfo.InvariantCulture) >= 1, $"the DORA page of {name} counts its local deployment");
        }

        var reported = await LocalDeploymentsAsync(api);
        Assert.All(reported, d => Assert.Equal((head, "development", "success"), (d.Commit, d.Environment, d.Outcome)));
        Assert.Equal(SampleServices.Order(), reported.Select(d => d.Service).Order());
    }

    /// <summary>The "Portal" URL the app host shows on the platform's row of the dashboard.</summary>
    private static Uri PortalUrl(DistributedApplication app)
    {
        Assert.True(app.ResourceNotifications.TryGetCurrentState("platform", out var state), "platform");
        var url = state.Snapshot.Urls.SingleOrDefault(u => u.DisplayProperties.DisplayName == "Portal")
            ?? throw new Xunit.Sdk.XunitException($"The platform resource shows no URL named 'Portal'; it shows {string.Join(", ", state.Snapshot.Urls.Select(u => $"{u.DisplayProperties.DisplayName} {u.Url}"))}.");
        var portal = new Uri(url.Url);
        Assert.Equal("/portal", portal.AbsolutePath);
        return portal;
    }

    private static async Task<IDocument> PageAsync(HttpClient http, Uri url)
    {
        using var response = await http.GetAsync(url, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {html}");
        return await new HtmlParser().ParseDocumentAsync(html, Ct);
    }

    /// <summary>The heading whose text starts with <paramref name="title"/>.</summary>
    private static IElement Section(IDocument page, string title) =>
        page.QuerySelectorAll("h2").SingleOrDefault(h => h.TextContent.StartsWith(title, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"{page.Url} has no section '{title}'.");

    /// <summary>The cells of the body rows of the first table after the heading <paramref name="title"/>.</summary>
    private static List<string[]> Rows(IDocument page, string title)
    {
        var element = Section(page, title).NextElementSibling;
        while (element is not null && element.LocalName != "table")
        {
            element = element.NextElementSibling;
        }

        Assert.NotNull(element);
        return element.QuerySelectorAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToArray()).ToList();
    }

    /// <summary>The deployments the app host reported for the sample services (ids <c>local-{service}-{start}</c>).</summary>
    private static async Task<List<DeploymentRecord>> LocalDeploymentsAsync(HttpClient platform)
    {
        var deployments = await platform.GetFromJsonAsync("/api/v1/deployments", PlatformJsonContext.Default.IReadOnlyListDeploymentRecord, Ct);
        return deployments!.Where(d => SampleServices.Contains(d.Service) && d.DeploymentId.StartsWith($"local-{d.Service}-", StringComparison.Ordinal)).ToList();
    }

    private static async Task<string> GitHeadAsync()
    {
        using var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["-C", Repository.Root, "rev-parse", "HEAD"]) { RedirectStandardOutput = true })!;
        var head = (await git.StandardOutput.ReadToEndAsync(Ct)).Trim();
        await git.WaitForExitAsync(Ct);
        Assert.Equal(0, git.ExitCode);
        return head;
    }
}
