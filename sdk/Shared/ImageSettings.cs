namespace GoldenPath;

/// <summary>
/// Where the golden path's container images come from, one rule for the app host (GoldenPath.Hosting) and the test
/// fixtures (GoldenPath.Testing): a <c>GOLDENPATH_{NAME}_IMAGE</c> setting when it is set (empty means the official image),
/// otherwise the choice <c>./build.sh prereqs</c> recorded in <c>artifacts/images.env</c> of the repository being run,
/// otherwise the official image. So <c>dotnet test</c> and <c>dotnet run --project AppHost</c> use the images prereqs
/// chose without sourcing that file first.
/// </summary>
/// <remarks>Compiled into both packages (linked source): neither references the other.</remarks>
internal static class ImageSettings
{
    /// <summary>The file <c>./build.sh prereqs</c> writes, relative to the repository's root.</summary>
    public const string RecordedFile = "artifacts/images.env";

    /// <summary>The variable that replaces the image <paramref name="key"/> (<c>Postgres</c>, <c>Redis</c>): <c>GOLDENPATH_POSTGRES_IMAGE</c>.</summary>
    public static string VariableOf(string key) => $"GOLDENPATH_{key.ToUpperInvariant()}_IMAGE";

    /// <summary>
    /// The image setting <paramref name="variable"/>: its value when <paramref name="setting"/> has it (empty: the official
    /// image), otherwise the value recorded in the <see cref="RecordedFile"/> found from <paramref name="starts"/>;
    /// <see langword="null"/> or empty means the official image.
    /// </summary>
    public static string? Resolve(Func<string, string?> setting, string variable, params string?[] starts) =>
        setting(variable) ?? Recorded(starts).GetValueOrDefault(variable);

    /// <summary>
    /// Finds <see cref="RecordedFile"/> in <paramref name="start"/> or the nearest folder above it, looking no higher
    /// than the repository's root (the folder with <c>.git</c>), so that a file outside the repository is never read.
    /// </summary>
    public static string? FindRecordedFile(string? start)
    {
        for (var directory = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var file = Path.Combine(directory.FullName, RecordedFile);
            if (File.Exists(file))
            {
                return file;
            }

            if (Directory.Exists(Path.Combine(directory.FullName, ".git")) || File.Exists(Path.Combine(directory.FullName, ".git")))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The settings recorded in the <see cref="RecordedFile"/> found from the first of <paramref name="starts"/> that has one (<c>NAME=value</c> lines; <c>#</c> starts a comment).</summary>
    public static IReadOnlyDictionary<string, string> Recorded(params string?[] starts)
    {
        var file = starts.Select(FindRecordedFile).FirstOrDefault(f => f is not null);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file is null)
        {
            return settings;
        }

        foreach (var line in File.ReadLines(file))
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#') || text.IndexOf('=', StringComparison.Ordinal) is not (> 0 and var equals))
            {
                continue;
            }

            settings[text[..equals].Trim()] = text[(equals + 1)..].Trim();
        }

        return settings;
    }
}
