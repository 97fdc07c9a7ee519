namespace GoldenPath.Testing.Tests;

/// <summary>Where the image settings come from: a set variable, else the repository's artifacts/images.env, else the official image.</summary>
public sealed class ContainerImagesTests : IDisposable
{
    private readonly string _repository = Directory.CreateTempSubdirectory("goldenpath-images-").FullName;

    public ContainerImagesTests()
    {
        Directory.CreateDirectory(Path.Combine(_repository, ".git"));
        Directory.CreateDirectory(Path.Combine(_repository, "artifacts"));
        Directory.CreateDirectory(Path.Combine(_repository, "tests", "X.Tests", "bin"));
        File.WriteAllText(Path.Combine(_repository, "artifacts", "images.env"),
            "# Written by ./build.sh prereqs.\nGOLDENPATH_POSTGRES_IMAGE=goldenpath.local/postgres:15\nGOLDENPATH_REDIS_IMAGE=\nTESTCONTAINERS_RYUK_DISABLED=true\n");
    }

    private string TestFolder => Path.Combine(_repository, "tests", "X.Tests", "bin");

    [Fact]
    public void WithoutTheVariableTheImagePrereqsRecordedInTheRepositoryIsUsed()
    {
        Assert.Equal("goldenpath.local/postgres:15", ImageSettings.Resolve(_ => null, ContainerImages.PostgresVariable, TestFolder));
        Assert.Equal("", ImageSettings.Resolve(_ => null, ContainerImages.RedisVariable, TestFolder));
        Assert.Equal("true", ImageSettings.Recorded(TestFolder)["TESTCONTAINERS_RYUK_DISABLED"]);
    }

    [Fact]
    public void ASetVariableWinsOverTheRecordedChoiceEvenWhenEmpty()
    {
        Assert.Equal("mirror.example.com/library/postgres:17", ImageSettings.Resolve(_ => "mirror.example.com/library/postgres:17", ContainerImages.PostgresVariable, TestFolder));
        Assert.Equal("", ImageSettings.Resolve(_ => "", ContainerImages.PostgresVariable, TestFolder));
    }

    [Fact]
    public void AnImagesFileAboveTheRepositoryRootIsNotRead()
    {
        var inner = Path.Combine(_repository, "vendor", "other-repo");
        Directory.CreateDirectory(Path.Combine(inner, ".git"));

        Assert.Null(ImageSettings.Resolve(_ => null, ContainerImages.PostgresVariable, inner));
        Assert.Null(ImageSettings.Resolve(_ => null, ContainerImages.PostgresVariable, Path.GetTempPath()));
    }

    [Fact]
    public void TheImageThisTestRunStartsIsTheVariableOrThisRepositorysRecordedChoiceOrTheOfficialImage()
    {
        var recorded = Path.Combine(FindRepositoryRoot(), "artifacts", "images.env");
        var fromFile = File.Exists(recorded)
            ? File.ReadLines(recorded).Select(l => l.Split('=', 2)).Where(p => p.Length == 2 && p[0] == ContainerImages.PostgresVariable).Select(p => p[1].Trim()).FirstOrDefault()
            : null;
        var chosen = Environment.GetEnvironmentVariable(ContainerImages.PostgresVariable) ?? fromFile;

        Assert.Equal(string.IsNullOrWhiteSpace(chosen) ? "docker.io/library/postgres:17" : chosen, ContainerImages.Postgres);
    }

    public void Dispose() => Directory.Delete(_repository, recursive: true);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GoldenPath.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"GoldenPath.sln not found above {AppContext.BaseDirectory}.");
    }
}
