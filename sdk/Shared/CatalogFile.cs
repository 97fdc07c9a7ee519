using GoldenPath.Catalog;

namespace GoldenPath;

/// <summary>
/// Where a service's <c>catalog-info.yaml</c> is and which of its Components the service is, one rule for the build
/// (GoldenPath.ServiceDefaults.Build, which fails <c>dotnet build</c>) and the app host (GoldenPath.Hosting, which
/// publishes), so that a repository the build accepts is one the publish step accepts.
/// </summary>
/// <remarks>Compiled into both packages (linked source): neither references the other.</remarks>
internal static class CatalogFile
{
    /// <summary>
    /// The nearest <c>catalog-info.yaml</c> in <paramref name="start"/> or a folder above it, looking no higher than the
    /// repository's root: the folder with <c>.git</c>, a directory in a clone and a file in a worktree or a submodule.
    /// </summary>
    /// <param name="start">The project's folder.</param>
    /// <param name="searched">When given, receives every folder looked in (for the error that names them).</param>
    public static string? Find(string start, ICollection<string>? searched = null)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, CatalogInfoReader.FileName);
            searched?.Add(directory.FullName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            var git = Path.Combine(directory.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>
    /// The Component the service <paramref name="name"/> is: the one with that name, or, when none has it (or no name is
    /// given), the only Component of the file; null when the file holds none, or several and none of that name.
    /// </summary>
    public static ComponentEntity? Choose(IReadOnlyList<ComponentEntity> components, string? name) =>
        components.FirstOrDefault(c => !string.IsNullOrEmpty(name) && c.Metadata.Name == name) ?? (components.Count == 1 ? components[0] : null);
}
