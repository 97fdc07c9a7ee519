namespace GoldenPath.Tests;

/// <summary>The repository the tests run in (found from the test assembly's folder), for tests that run real tools on its files.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
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
