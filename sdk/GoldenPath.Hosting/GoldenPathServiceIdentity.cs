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
        if (CatalogFile.Find(Path.GetDirectoryName(projectPath)!) is { } file)
        {
            var components = (await CatalogInfoReader.ReadFileAsync(file, cancellationToken).ConfigureAwait(false)).OfType<ComponentEntity>().ToList();
            return CatalogFile.Choose(components, project.Name)
                ?? throw new InvalidOperationException($"{file} has no Component named '{project.Name}'; the app host's resource name must be the service's name in its catalog-info.yaml.");
        }

        throw new InvalidOperationException($"No {CatalogInfoReader.FileName} found for '{project.Name}' ({projectPath}) up to its repository root; every golden-path service describes itself in one.");
    }
}
