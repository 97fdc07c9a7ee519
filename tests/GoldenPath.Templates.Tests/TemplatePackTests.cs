using System.Text.Json;
using GoldenPath.Catalog;

namespace GoldenPath.Templates.Tests;

/// <summary>The installed pack: what <c>dotnet new</c> lists and explains, the engine's own errors, the default output.</summary>
[Collection(TemplatePackCollection.Name)]
public sealed class TemplatePackTests(TemplatePack pack)
{
    public static readonly TheoryData<string> Templates = ["platform-api", "platform-worker"];

    [Fact]
    public async Task DotnetNewListShowsBothTemplates()
    {
        // `dotnet new install` exits 0 even when a template.json does not load: the list is the proof.
        var list = await pack.NewAsync(["list", "platform"]);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("GoldenPath platform API", list.Output, StringComparison.Ordinal);
        Assert.Contains("GoldenPath platform worker", list.Output, StringComparison.Ordinal);
        foreach (var template in Templates)
        {
            var one = await pack.NewAsync(["list", template]);
            Assert.True(one.ExitCode == 0, one.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task HelpDescribesEveryOption(string template)
    {
        var help = await pack.NewAsync([template, "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var option in new[] { "--owner", "--system", "--lifecycle", "--description", "--database", "--cache", "--aot", "--skip-restore" })
        {
            Assert.Contains($"  {option} ", help.Output, StringComparison.Ordinal);
        }

        Assert.Contains("The team that owns the service", help.Output, StringComparison.Ordinal);
        Assert.Contains("Required: *true*", help.Output, StringComparison.Ordinal);
        foreach (var choice in new[] { "experimental", "production", "deprecated", "postgres", "redis" })
        {
            Assert.Contains(choice, help.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task AMissingOwnerIsTheEnginesMissingMandatoryOptionError(string template)
    {
        var result = await pack.NewAsync([template, "-n", "orders-api", "-o", Path.Combine(pack.Root, "no-owner"), "--skip-restore"]);

        Assert.Equal(102, result.ExitCode);
        Assert.Contains("Missing mandatory option(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains("'--owner'", result.Output, StringComparison.Ordinal);
        var output = Path.Combine(pack.Root, "no-owner");
        Assert.True(!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any(), "files were written without an owner");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task TheDefaultOutputHasExactlyTheExpectedFiles(string template)
    {
        var repository = await pack.CreateAsync(template, "orders-api", "--owner", "team-payments", "--skip-restore");

        var actual = repository.Files();

        // GOLDENPATH_ACCEPT=1 writes the new list into the repository (see docs/templates.md), to be reviewed in the diff.
        var expectedFile = Path.Combine("Expected", $"{template}.files.txt");
        if (Environment.GetEnvironmentVariable("GOLDENPATH_ACCEPT") is "1")
        {
            await File.WriteAllLinesAsync(Path.Combine(Repository.Root, "tests", "GoldenPath.Templates.Tests", expectedFile), actual, TestContext.Current.CancellationToken);
            return;
        }

        var expected = (await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, expectedFile), TestContext.Current.CancellationToken))
            .Where(l => l.Length > 0).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"The files of `dotnet new {template}` differ from {expectedFile}.\nMissing: {string.Join(", ", expected.Except(actual))}\nUnexpected: {string.Join(", ", actual.Except(expected))}\n" +
            "If the change is intended, run the tests with GOLDENPATH_ACCEPT=1 and review the diff.");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task TheCatalogInfoCarriesTheAnnotationsBackstagesPluginsReadAndTheTechDocsTheyPointAt(string template)
    {
        var withSource = await pack.CreateAsync(template, "orders-api", "--owner", "team-payments", "--repository-url", "https://git.example.com/shop/orders-api/tree/main/", "--skip-restore");
        var withoutSource = await pack.CreateAsync(template, "search-api", "--owner", "team-search", "--skip-restore");

        var annotations = Assert.Single(CatalogInfoReader.Read(withSource.Read("catalog-info.yaml")).OfType<ComponentEntity>()).Metadata.Annotations;
        Assert.Equal(new Dictionary<string, string>
        {
            ["backstage.io/kubernetes-id"] = "orders-api",
            ["backstage.io/source-location"] = "url:https://git.example.com/shop/orders-api/tree/main/",
            ["backstage.io/techdocs-ref"] = "dir:.",
            ["goldenpath.dev/template"] = template,
            ["goldenpath.dev/template-version"] = pack.Version,
        }, annotations.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary());
        var without = Assert.Single(CatalogInfoReader.Read(withoutSource.Read("catalog-info.yaml")).OfType<ComponentEntity>()).Metadata.Annotations;
        Assert.False(without.ContainsKey("backstage.io/source-location"));
        Assert.Equal("dir:.", without["backstage.io/techdocs-ref"]);

        // The minimal TechDocs set: mkdocs.yml names the site and its nav, docs/index.md is the page it lists.
        var mkdocs = new YamlDotNet.Serialization.Deserializer().Deserialize<Dictionary<string, object>>(withSource.Read("mkdocs.yml"));
        Assert.Equal("orders-api", mkdocs["site_name"]);
        Assert.Contains("techdocs-core", (List<object>)mkdocs["plugins"]);
        Assert.Equal("index.md", Assert.Single(((List<object>)mkdocs["nav"]).Cast<Dictionary<object, object>>()).Values.Single());
        Assert.StartsWith("# orders-api", withSource.Read("docs/index.md"), StringComparison.Ordinal);
        Assert.Contains("team-payments", withSource.Read("docs/index.md"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public async Task VersionsAreStampedAndTheAnswersRecorded(string template)
    {
        var repository = await pack.CreateAsync(template, "orders-api", "--owner", "team-payments", "--database", "postgres", "--skip-restore");

        var packages = repository.Read("Directory.Packages.props");
        foreach (var package in new[] { "GoldenPath.ServiceDefaults", "GoldenPath.Hosting", "GoldenPath.Testing" })
        {
            Assert.Contains($"<PackageVersion Include=\"{package}\" Version=\"{pack.Version}\" />", packages, StringComparison.Ordinal);
        }

        foreach (var file in repository.Files())
        {
            Assert.DoesNotContain("%%", repository.Read(file), StringComparison.Ordinal);
            Assert.DoesNotContain("gp-template-", repository.Read(file), StringComparison.Ordinal);
            Assert.DoesNotContain("GpTemplate", repository.Read(file), StringComparison.Ordinal);
        }

        Assert.Contains($"\"version\": \"{pack.Version}\"", repository.Read(".config/dotnet-tools.json"), StringComparison.Ordinal);
        using var record = JsonDocument.Parse(repository.Read(".goldenpath.json"));
        Assert.Equal(template, record.RootElement.GetProperty("template").GetString());
        Assert.Equal(pack.Version, record.RootElement.GetProperty("templateVersion").GetString());
        var answers = record.RootElement.GetProperty("answers");
        Assert.Equal("orders-api", answers.GetProperty("name").GetString());
        Assert.Equal("team-payments", answers.GetProperty("owner").GetString());
        Assert.Equal("team-payments", answers.GetProperty("system").GetString());
        Assert.Equal("experimental", answers.GetProperty("lifecycle").GetString());
        Assert.Equal("postgres", answers.GetProperty("database").GetString());
        Assert.Equal("none", answers.GetProperty("cache").GetString());
    }

    [Theory]
    [InlineData("Orders_API", "'Orders_API' is not a lowercase RFC 1123 label (upper-case 'O' at position 1); use e.g. 'orders-api'")]
    [InlineData("a", "'a' is shorter than 2 characters; use 2-63 characters from a-z, 0-9 and '-'")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "is 64 characters long, more than 63; use e.g. 'a23456789012345678901234567890123456789012345678901234567890123'")]
    [InlineData("bestellüng", "'bestellüng' is not a lowercase RFC 1123 label (", "use e.g. 'bestellung'")]
    public async Task ABadNameFailsTheFirstBuildWithGP0001(string name, params string[] expected)
    {
        var repository = await pack.CreateAsync("platform-api", name, "--owner", "team-payments", "--skip-restore");

        var build = await repository.DotNetAsync("build", $"src/{name}");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("catalog-info.yaml(7,9): error GP0001: service name ", build.Output, StringComparison.Ordinal);
        foreach (var fragment in expected)
        {
            Assert.Contains(fragment, build.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AServiceCarriesNoYamlLibraryWhileItsAppHostGetsOneOnlyThroughAspire()
    {
        var repository = await pack.CreateAsync("platform-api", "orders-api", "--owner", "team-payments", "--skip-restore");

        var service = await repository.DotNetAsync("restore", "src/orders-api");
        var appHost = await repository.DotNetAsync("restore", "src/orders-api.AppHost");

        Assert.True(service.ExitCode == 0, service.ToString());
        Assert.True(appHost.ExitCode == 0, appHost.ToString());
        var serviceLibraries = Libraries(repository, "src/orders-api");
        Assert.Contains("GoldenPath.ServiceDefaults", serviceLibraries.Keys);
        Assert.Contains("GoldenPath.Platform.Contracts", serviceLibraries.Keys);
        Assert.DoesNotContain("YamlDotNet", serviceLibraries.Keys);
        Assert.DoesNotContain("GoldenPath.Catalog", serviceLibraries.Keys);
        var appHostLibraries = Libraries(repository, "src/orders-api.AppHost");
        Assert.Contains("YamlDotNet", appHostLibraries["Aspire.Hosting"]);
    }

    /// <summary>Every package in a restored project's graph, with the ids of the packages it depends on.</summary>
    private static Dictionary<string, HashSet<string>> Libraries(GeneratedRepository repository, string project)
    {
        using var assets = JsonDocument.Parse(repository.Read($"{project}/obj/project.assets.json"));
        return assets.RootElement.GetProperty("targets").EnumerateObject().First().Value.EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .ToDictionary(
                library => library.Name[..library.Name.IndexOf('/', StringComparison.Ordinal)],
                library => library.Value.TryGetProperty("dependencies", out var dependencies)
                    ? dependencies.EnumerateObject().Select(d => d.Name).ToHashSet(StringComparer.Ordinal)
                    : new HashSet<string>(StringComparer.Ordinal));
    }
}
