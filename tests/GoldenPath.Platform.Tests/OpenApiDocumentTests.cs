using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using GoldenPath.Platform.Auth;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.Platform.Tests;

/// <summary>
/// The OpenAPI document the running platform serves, read as client generators and linters read it. The document does
/// not depend on the store: these run on SQLite only.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteStore store) : IClassFixture<SqliteStore>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryOperationHasAUniqueOperationIdTheBearerSchemeAndItsProblemResponses()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider())).App;
        var document = await DocumentAsync(platform);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        var operations = Operations(document).ToList();
        Assert.Equal(22, operations.Count);
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null).ToList();
        Assert.All(ids, id => Assert.Matches("^[a-z][A-Za-z]+$", id ?? ""));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        foreach (var (method, path, operation) in operations)
        {
            var security = operation.TryGetProperty("security", out var s) ? s.EnumerateArray().ToList() : [];
            Assert.True(security.Count > 0, $"{method} {path} declares no security requirement.");
            Assert.All(security, requirement => Assert.Equal(["bearer"], requirement.EnumerateObject().Select(p => p.Name)));
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "400", "401", "403", "429", "503" })
            {
                Assert.True(responses.TryGetProperty(status, out var problem), $"{method} {path} does not declare {status}.");
                Assert.True(problem.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{method} {path}: {status} is not application/problem+json.");
                Assert.NotEqual(ReasonPhrases.GetReasonPhrase(int.Parse(status, CultureInfo.InvariantCulture)), problem.GetProperty("description").GetString());
                if (status is "429" or "503")
                {
                    Assert.True(problem.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _), $"{method} {path}: {status} does not declare its Retry-After header.");
                }
            }

            Assert.Equal(method is "put" or "post" or "patch", responses.TryGetProperty("415", out _));
        }
    }

    [Fact]
    public async Task TheScopesAndStatusesEachOperationDeclaresAreTheOnesThePlatformAcceptsAndAnswers()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider())).App;
        var document = await DocumentAsync(platform);
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var scope in Scopes.All)
        {
            clients[scope] = platform.Client(await platform.TokenAsync("team-probe", scope));
        }

        foreach (var (method, path, operation) in Operations(document))
        {
            var declared = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.GetProperty("bearer").EnumerateArray().Select(s => s.GetString()!)).Order(StringComparer.Ordinal).ToList();
            var accepted = new List<string>();
            foreach (var (scope, client) in clients)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path.Replace("{", "x-", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal));
                if (method is "put" or "post" or "patch")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                var refusedForScope = response.StatusCode == HttpStatusCode.Forbidden
                    && (body.Contains("but this endpoint needs one of", StringComparison.Ordinal) || body.Contains("which this endpoint never accepts", StringComparison.Ordinal));
                Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.True(operation.GetProperty("responses").TryGetProperty(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), out _),
                    $"{method.ToUpperInvariant()} {path} answered {(int)response.StatusCode} to a token with scope '{scope}', a status its document does not declare: {body}");
                if (!refusedForScope)
                {
                    accepted.Add(scope);
                }
            }

            Assert.True(accepted.Order(StringComparer.Ordinal).SequenceEqual(declared), $"{method.ToUpperInvariant()} {path} declares [{string.Join(", ", declared)}] but accepts [{string.Join(", ", accepted.Order(StringComparer.Ordinal))}].");
        }
    }

    [Fact]
    public async Task ReadsDeclareThatTheyNeedNoTokenOnlyWhenAnonymousReadIsOn()
    {
        await using var open = (await store.StartAsync(new FakeTimeProvider(), new() { ["GoldenPath:Platform:AnonymousRead"] = "true" })).App;
        var document = await DocumentAsync(open);

        foreach (var (method, path, operation) in Operations(document))
        {
            var anonymous = operation.GetProperty("security").EnumerateArray().Any(r => !r.EnumerateObject().Any());
            using var response = await open.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path.Replace("{", "x-", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal)), Ct);
            Assert.True(anonymous == (response.StatusCode != HttpStatusCode.Unauthorized), $"{method.ToUpperInvariant()} {path}: anonymous in the document {anonymous}, answered {(int)response.StatusCode} without a token.");
        }
    }

    [Fact]
    public async Task TheApiDocsListEveryOperationWithTheScopesAndProblemsTheDocumentDeclares()
    {
        await using var platform = (await store.StartAsync(new FakeTimeProvider())).App;
        var document = await DocumentAsync(platform);
        var docs = await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "docs", "platform-api.md"), Ct);

        var served = Operations(document).Select(o => string.Join(" | ",
                o.Operation.GetProperty("operationId").GetString(),
                $"{o.Method.ToUpperInvariant()} {o.Path}",
                string.Join(", ", o.Operation.GetProperty("security").EnumerateArray().SelectMany(r => r.GetProperty("bearer").EnumerateArray().Select(s => s.GetString()))),
                string.Join(", ", o.Operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Where(status => status[0] is '4' or '5').Order(StringComparer.Ordinal))))
            .Order(StringComparer.Ordinal);
        var documented = docs.SkipWhile(line => !line.StartsWith("| operationId |", StringComparison.Ordinal)).Skip(2).TakeWhile(line => line.StartsWith('|'))
            .Select(line => string.Join(" | ", line.Trim('|').Split('|').Select(cell => cell.Trim().Replace("`", "", StringComparison.Ordinal))))
            .Order(StringComparer.Ordinal);

        Assert.Equal(served, documented);
    }

    [Fact]
    public async Task RedoclyLintsTheServedDocumentWithItsRecommendedRulesWithoutAnyProblem()
    {
        var redocly = Path.Combine(Repository.Root, "artifacts", "tools", "redocly");
        Assert.True(File.Exists(redocly), $"Redocly CLI is not installed at {redocly}: run ./build.sh prereqs (eng/prereqs-openapi.sh installs it).");
        await using var platform = (await store.StartAsync(new FakeTimeProvider())).App;
        var work = Directory.CreateTempSubdirectory("goldenpath-openapi-");
        try
        {
            var file = Path.Combine(work.FullName, "openapi.json");
            await File.WriteAllTextAsync(file, await platform.Anonymous.GetStringAsync("/openapi/v1.json", Ct), Ct);

            var lint = await RunAsync(redocly, ["lint", "--extends=recommended", "--format=json", file], work.FullName);

            var totals = JsonDocument.Parse(lint.Output).RootElement.GetProperty("totals");
            Assert.True((lint.ExitCode, totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32()) == (0, 0, 0), $"{lint.Output}\n{lint.Error}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<JsonElement> DocumentAsync(PlatformApp platform) =>
        JsonDocument.Parse(await platform.Anonymous.GetStringAsync("/openapi/v1.json", Ct)).RootElement.Clone();

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "patch" or "delete").Select(o => (o.Name, path.Name, o.Value)));

    /// <summary>Runs a tool to its end (at most 5 minutes), with its standard output and error apart.</summary>
    internal static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> arguments, string directory)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in 5 minutes in {directory}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
