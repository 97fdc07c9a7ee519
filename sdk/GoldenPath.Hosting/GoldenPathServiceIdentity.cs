using Aspire.Hosting.ApplicationModel;
using GoldenPath.Catalog;

namespace GoldenPath.Hosting;

/// <summary>Who a golden-path project is: the Component in the nearest <c>catalog-info.yaml</c> at or above its project, up to its repository root.</summary>
internal static class GoldenPathServiceIdentity
{
    public static async Task<ServiceIdentity> ReadAsync(ProjectResource project, CancellationToken cancellationToken) =>
        ServiceIdentity.FromComponent(await ReadComponentAsync(project, cancellationToken).ConfigureAwait(false));

    /// <summary>The Component itself: its identity and its annotations (the objectives among them).</summary>
    public static async Task<ComponentEntity> ReadComponentAsync(ProjectResource project, CancellationToken cancellationToken)
    {
        var projectPath = project.GetProjectMetadata().ProjectPath;
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(projectPath)!); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, CatalogInfoReader.FileName);
            if (File.Exists(candidate))
            {
                var components = (await CatalogInfoReader.ReadFileAsync(candidate, cancellationToken).ConfigureAwait(false)).OfType<ComponentEntity>().ToList();
                var component = components.FirstOrDefault(c => c.Metadata.Name == project.Name) ?? (components.Count == 1 ? components[0] : null)
                    ?? throw new InvalidOperationException($"{candidate} has no Component named '{project.Name}'; the app host's resource name must be the service's name in its catalog-info.yaml.");
                return component;
            }

            if (Directory.Exists(Path.Combine(directory.FullName, ".git")))
            {
                break;
            }
        }

        throw new InvalidOperationException($"No {CatalogInfoReader.FileName} found for '{project.Name}' ({projectPath}) up to its repository root; every golden-path service describes itself in one.");
    }
}
