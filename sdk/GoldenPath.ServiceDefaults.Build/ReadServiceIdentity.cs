using System.Text.Json;
using GoldenPath.Catalog;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace GoldenPath.ServiceDefaults.Build;

/// <summary>
/// Finds the service's <c>catalog-info.yaml</c>, validates it with the same reader the platform uses, and
/// returns the identity of its Component, so that a bad identity fails <c>dotnet build</c> with a GP code
/// instead of failing a deployment.
/// </summary>
/// <remarks>
/// Codes: GP0001 the service name breaks the name rule; GP0002 no catalog-info.yaml was found;
/// GP0003 the file is not a valid Backstage catalog file; GP0004 the file holds no Component, or several
/// and <c>GoldenPathServiceName</c> does not say which; GP0005 the <c>.goldenpath.json</c> beside it is not JSON.
/// The template and its version are read from that <c>.goldenpath.json</c>, when there is one, for the registration.
/// </remarks>
public sealed class ReadServiceIdentity : MSBuildTask
{
    /// <summary>Gets or sets the catalog file; when empty it is searched from <see cref="ProjectDirectory"/> upwards.</summary>
    public string? CatalogInfoPath { get; set; }

    /// <summary>Gets or sets the project's directory.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>Gets or sets the Component to pick when the file holds several.</summary>
    public string? ServiceName { get; set; }

    /// <summary>Gets the file that was read.</summary>
    [Output]
    public string? ResolvedCatalogInfoPath { get; private set; }

    /// <summary>Gets the service name.</summary>
    [Output]
    public string? Name { get; private set; }

    /// <summary>Gets the owning team.</summary>
    [Output]
    public string? Owner { get; private set; }

    /// <summary>Gets the system.</summary>
    [Output]
    public string? System { get; private set; }

    /// <summary>Gets the lifecycle.</summary>
    [Output]
    public string? Lifecycle { get; private set; }

    /// <summary>Gets the description.</summary>
    [Output]
    public string? Description { get; private set; }

    /// <summary>Gets the template the repository was made from (<c>.goldenpath.json</c> beside catalog-info.yaml), when there is one.</summary>
    [Output]
    public string? Template { get; private set; }

    /// <summary>Gets the service's source, the URL of <c>backstage.io/source-location</c> (<c>url:</c> and an absolute URL), when given.</summary>
    [Output]
    public string? SourceLocation { get; private set; }

    /// <summary>
    /// Gets <c>backstage.io/techdocs-ref</c>, when given together with a source location (a <c>dir:</c> reference means
    /// nothing to the platform's feed without the source it is relative to).
    /// </summary>
    [Output]
    public string? TechDocsRef { get; private set; }

    /// <summary>Gets the template pack version the repository is at (<c>.goldenpath.json</c>), when there is one.</summary>
    [Output]
    public string? TemplateVersion { get; private set; }

    /// <summary>Gets the <c>.goldenpath.json</c> that was read, when there is one.</summary>
    [Output]
    public string? ResolvedTemplateRecordPath { get; private set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        var searched = new List<string>();
        var path = string.IsNullOrWhiteSpace(CatalogInfoPath) ? CatalogFile.Find(ProjectDirectory, searched) : Path.GetFullPath(CatalogInfoPath, ProjectDirectory);
        if (path is null || !File.Exists(path))
        {
            var where = path is null ? $"in {string.Join(", ", searched)}" : $"at {path} (GoldenPathCatalogInfo)";
            Log.LogError(null, "GP0002", null, ProjectDirectory, 0, 0, 0, 0,
                $"No {CatalogInfoReader.FileName} found {where}. Every golden-path service describes itself in one " +
                "(a Backstage Component with name, owner, system and lifecycle): create it next to the project or at the repository root, " +
                "or point the GoldenPathCatalogInfo property at it.");
            return false;
        }

        ResolvedCatalogInfoPath = path;
        var (entities, problems) = CatalogInfoReader.TryRead(File.ReadAllText(path), path);
        foreach (var problem in problems)
        {
            if (problem.Field.EndsWith("metadata.name", StringComparison.Ordinal) && problem.Value is { } badName)
            {
                LogNameError(path, problem.Line, problem.Column, badName);
            }
            else
            {
                Log.LogError(null, "GP0003", null, path, problem.Line, problem.Column, 0, 0, $"{problem.Field}: {problem.Message}");
            }
        }

        if (problems.Count > 0)
        {
            return false;
        }

        var components = entities.OfType<ComponentEntity>().ToList();
        var component = CatalogFile.Choose(components, ServiceName);
        if (component is null)
        {
            var names = components.Count == 0 ? "none" : string.Join(", ", components.Select(c => c.Metadata.Name));
            Log.LogError(null, "GP0004", null, path, 0, 0, 0, 0, components.Count == 0
                ? $"{path} holds no Component (kind: Component); the service's identity is read from its Component."
                : $"{path} holds the Components {names} but none is named '{ServiceName}'; set the GoldenPathServiceName property to one of them.");
            return false;
        }

        var identity = ServiceIdentity.FromComponent(component);
        if (GoldenPath.Catalog.ServiceName.Validate(identity.Name) is { } nameProblem)
        {
            var (line, column) = FindNameLine(path, identity.Name);
            Log.LogError(null, "GP0001", null, path, line, column, 0, 0, $"service name {nameProblem} in {CatalogInfoReader.FileName} (metadata.name).");
            return false;
        }

        (Name, Owner, System, Lifecycle, Description) = (identity.Name, identity.Owner, identity.System, identity.Lifecycle, identity.Description);
        if (component.Metadata.Annotations.TryGetValue("backstage.io/source-location", out var source) && source.StartsWith("url:", StringComparison.Ordinal))
        {
            SourceLocation = source["url:".Length..].Trim();
            TechDocsRef = component.Metadata.Annotations.TryGetValue("backstage.io/techdocs-ref", out var docs) ? docs.Trim() : null;
        }

        ReadTemplateRecord(Path.Combine(Path.GetDirectoryName(path)!, TemplateRecordFileName));
        return !Log.HasLoggedErrors;
    }

    /// <summary>The record <c>dotnet new</c> leaves at the root of a generated repository (and <c>goldenpath upgrade</c> rewrites).</summary>
    public const string TemplateRecordFileName = ".goldenpath.json";

    private void ReadTemplateRecord(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        ResolvedTemplateRecordPath = path;
        try
        {
            using var record = JsonDocument.Parse(File.ReadAllText(path));
            string? Text(string property) =>
                record.RootElement.ValueKind == JsonValueKind.Object && record.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
            (Template, TemplateVersion) = (Text("template"), Text("templateVersion"));
        }
        catch (JsonException exception)
        {
            Log.LogError(null, "GP0005", null, path, 0, 0, 0, 0,
                $"{path} is not valid JSON ({exception.Message}): it records the template the repository was made from; restore it from git (git checkout -- {TemplateRecordFileName}).");
        }
    }

    private void LogNameError(string path, int line, int column, string name)
    {
        var problem = GoldenPath.Catalog.ServiceName.Validate(name) ?? $"'{name}' is not a valid entity name";
        Log.LogError(null, "GP0001", null, path, line, column, 0, 0, $"service name {problem} in {CatalogInfoReader.FileName} (metadata.name).");
    }

    private static (int Line, int Column) FindNameLine(string path, string name)
    {
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("name:", StringComparison.Ordinal))
            {
                continue;
            }

            // The value, after the key: a name such as 'a' also occurs inside "name".
            var value = lines[i].IndexOf(name, lines[i].IndexOf(':', StringComparison.Ordinal) + 1, StringComparison.Ordinal);
            if (value >= 0)
            {
                return (i + 1, value + 1);
            }
        }

        return (0, 0);
    }
}
