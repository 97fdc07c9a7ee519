using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GoldenPath.Catalog;
using GoldenPath.Platform.Data;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The catalog as Backstage entities: every service as a Component, with its System, its owning Group,
/// a Resource for each database or cache it depends on, and an API for each definition it published.
/// Names that tenants share are unique by construction: a Resource or API is named after its service
/// (<c>{service}.{name}</c>; a service name has no '.'), and a System is owned by the team that claimed it first.
/// </summary>
internal static partial class BackstageFeed
{
    /// <summary>What Backstage's Kubernetes plugin matches, as the label <c>backstage.io/kubernetes-id</c>, on the objects of the service.</summary>
    public const string KubernetesIdAnnotation = "backstage.io/kubernetes-id";

    /// <summary>The one namespace the Kubernetes plugin looks in; without it, it looks in every namespace.</summary>
    public const string KubernetesNamespaceAnnotation = "backstage.io/kubernetes-namespace";

    /// <summary>Where the source is: the "View source" link and what TechDocs and other plugins read relative to.</summary>
    public const string SourceLocationAnnotation = "backstage.io/source-location";

    /// <summary>Where the TechDocs plugin finds <c>mkdocs.yml</c>.</summary>
    public const string TechDocsRefAnnotation = "backstage.io/techdocs-ref";

    /// <summary>The template the service was made from.</summary>
    public const string TemplateAnnotation = "goldenpath.dev/template";

    /// <summary>The template pack's version the service was made from.</summary>
    public const string TemplateVersionAnnotation = "goldenpath.dev/template-version";

    /// <summary>The service's Component with the platform's links; see <see cref="ToComponent(ServiceEntity, FeedContext)"/>.</summary>
    public static ComponentEntity ToComponent(ServiceEntity service) => ToComponent(service, FeedContext.None);

    /// <summary>
    /// The service's Component: its identity, relations, the annotations Backstage's plugins read (Kubernetes, TechDocs,
    /// source) and the links back to the platform (DORA, the portal's service page) that <paramref name="context"/> knows.
    /// </summary>
    public static ComponentEntity ToComponent(ServiceEntity service, FeedContext context)
    {
        var component = new ComponentEntity
        {
            Metadata = new EntityMetadata { Name = service.Name, Description = service.Description },
            Spec = new ComponentSpec
            {
                Type = service.Type,
                Lifecycle = service.Lifecycle,
                Owner = $"group:{service.Owner}",
                System = $"system:{service.System}",
            },
        };
        var annotations = component.Metadata.Annotations;
        annotations[KubernetesIdAnnotation] = service.Name;
        annotations["goldenpath.dev/managed-by"] = "goldenpath-platform";
        if (context.NamespaceOf(service.Owner) is { } ns)
        {
            annotations[KubernetesNamespaceAnnotation] = ns;
        }

        if (service.SourceLocation is { } source)
        {
            annotations[SourceLocationAnnotation] = $"url:{source}";
        }

        if (service.TechDocsRef is { } docs && TechDocsRefProblem(docs, service.SourceLocation) is null)
        {
            annotations[TechDocsRefAnnotation] = ResolveTechDocsRef(docs, service.SourceLocation);
        }

        var (liveTemplate, liveVersion) = context.LiveTemplates.GetValueOrDefault(service.Name);
        if ((liveTemplate ?? service.Template) is { } template)
        {
            annotations[TemplateAnnotation] = template;
        }

        if ((liveVersion ?? service.TemplateVersion) is { } version)
        {
            annotations[TemplateVersionAnnotation] = version;
        }

        foreach (var tag in service.Tags)
        {
            component.Metadata.Tags.Add(tag);
        }

        foreach (var link in service.Links)
        {
            component.Metadata.Links.Add(link.ToContract());
        }

        if (context.PlatformUrl is { } platform)
        {
            component.Metadata.Links.Add(new EntityLink(new Uri(platform, $"api/v1/dora?service={service.Name}").ToString(), "DORA metrics", "dashboard", "dora"));
        }

        if (context.PortalServiceUrl is { } portal)
        {
            component.Metadata.Links.Add(new EntityLink(portal.Replace(FeedContext.NamePlaceholder, service.Name, StringComparison.Ordinal), "GoldenPath portal", "web", "portal"));
        }

        // An API the service defines is provided under its qualified name, also where providesApis lists it by its own.
        var defined = service.ApiDefinitions.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var api in service.ProvidesApis.Select(a => defined.Contains(a) ? QualifiedName(service.Name, a) : a)
            .Union(service.ApiDefinitions.Select(a => QualifiedName(service.Name, a.Name))))
        {
            component.Spec.ProvidesApis.Add(api.Contains(':', StringComparison.Ordinal) ? api : $"api:{api}");
        }

        foreach (var api in service.ConsumesApis)
        {
            component.Spec.ConsumesApis.Add(api.Contains(':', StringComparison.Ordinal) ? api : $"api:{api}");
        }

        foreach (var dependency in service.DependsOn)
        {
            component.Spec.DependsOn.Add(dependency.Kind == "service" ? $"component:{dependency.Name}" : $"resource:{QualifiedName(service.Name, dependency.Name)}");
        }

        return component;
    }

    /// <summary>
    /// Everything <see cref="ToComponent(ServiceEntity)"/> reads of a service, each value written with its length so that
    /// no two entries give the same text: equal texts make equal Components. Keep it in step with
    /// <see cref="ToComponent(ServiceEntity, FeedContext)"/>.
    /// </summary>
    public static string ComponentInputs(ServiceEntity service)
    {
        var text = new System.Text.StringBuilder(256);
        void Add(string? value) => (value is null ? text.Append('-') : text.Append(value.Length).Append(':').Append(value)).Append(';');
        foreach (var value in new[] { service.Name, service.Description, service.Type, service.Lifecycle, service.Owner, service.System, service.SourceLocation, service.TechDocsRef, service.Template, service.TemplateVersion })
        {
            Add(value);
        }

        void AddAll<T>(List<T> items, Action<T> add)
        {
            text.Append(items.Count).Append('[');
            items.ForEach(add);
        }

        AddAll(service.Tags, Add);
        AddAll(service.Links, l => { Add(l.Url); Add(l.Title); Add(l.Icon); Add(l.Type); });
        AddAll(service.ProvidesApis, Add);
        AddAll(service.ConsumesApis, Add);
        AddAll(service.ApiDefinitions, a => Add(a.Name));
        AddAll(service.DependsOn, d => { Add(d.Name); Add(d.Kind); });
        return text.ToString();
    }

    /// <summary>A service's Component with the Resources and APIs named after it.</summary>
    public static IEnumerable<CatalogEntity> ServiceEntities(ServiceEntity service, FeedContext context)
    {
        yield return ToComponent(service, context);
        foreach (var dependency in service.DependsOn.Where(d => d.Kind is not "service"))
        {
            yield return new ResourceEntity
            {
                Metadata = new EntityMetadata { Name = QualifiedName(service.Name, dependency.Name), Description = $"The {dependency.Kind} '{dependency.Name}' of {service.Name}." },
                Spec = new ResourceSpec { Type = ResourceType(dependency.Kind), Owner = $"group:{service.Owner}", System = $"system:{service.System}" },
            };
        }

        foreach (var api in service.ApiDefinitions)
        {
            yield return new ApiEntity
            {
                Metadata = new EntityMetadata { Name = QualifiedName(service.Name, api.Name), Description = $"The API '{api.Name}' provided by {service.Name}." },
                Spec = new ApiSpec { Type = api.Type, Lifecycle = service.Lifecycle, Owner = $"group:{service.Owner}", System = $"system:{service.System}", Definition = api.Definition },
            };
        }
    }

    /// <summary>A System, owned by the team recorded when it was claimed, not by whoever has most services in it.</summary>
    public static SystemEntity ToSystem(SystemClaimEntity system) =>
        new() { Metadata = new EntityMetadata { Name = system.Name }, Spec = new SystemSpec { Owner = $"group:{system.Owner}" } };

    public static GroupEntity ToGroup(string team) =>
        new() { Metadata = new EntityMetadata { Name = team }, Spec = new GroupSpec { Type = "team" } };

    /// <summary>
    /// <c>{service}.{name}</c>: unique across services, since a service name has no '.'. Longer than an entity name may
    /// be (63), it keeps 52 characters and adds a hash of the whole, so that no two services' names meet.
    /// </summary>
    internal static string QualifiedName(string service, string name)
    {
        var qualified = $"{service}.{name}";
        if (qualified.Length <= ServiceName.MaxLength)
        {
            return qualified;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(qualified)))[..10];
        return $"{qualified[..52].TrimEnd('-', '.', '_')}-{hash}";
    }

    /// <summary>
    /// Why <paramref name="docs"/> is not a TechDocs reference the feed can publish, or null: <c>dir:</c> and a folder
    /// inside <paramref name="source"/> (no <c>..</c>, not rooted), or <c>url:</c> and an absolute http(s) URL.
    /// </summary>
    internal static string? TechDocsRefProblem(string docs, string? source)
    {
        if (docs.Length > 2048)
        {
            return "is longer than 2048 characters";
        }

        if (docs.StartsWith("dir:", StringComparison.Ordinal))
        {
            var folder = docs[4..];
            if (source is null)
            {
                return $"'{docs}' is relative to the source, but sourceLocation is not given: give sourceLocation (the repository's URL) or use url:<https URL>";
            }

            return DocsFolder().IsMatch(folder) && !folder.StartsWith('/') && folder.Split('/').All(segment => segment is not "..")
                ? null
                : $"'{docs}' is not a folder inside the source: use dir:. or dir:<folder>, with letters, digits, '.', '-', '_' and '/', and no '..'";
        }

        if (docs.StartsWith("url:", StringComparison.Ordinal))
        {
            return Uri.TryCreate(docs[4..], UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? null
                : $"'{docs}' is not url: and an absolute http(s) URL";
        }

        return $"'{docs}' is not a TechDocs reference: use dir:<folder in the source> (e.g. dir:.) or url:<https URL>";
    }

    /// <summary>
    /// A <c>dir:</c> reference as a URL: entities from a provider have no file to be relative to, so the folder is resolved
    /// against the source location (which TechDocs' URL reader understands for GitHub, GitLab, Azure DevOps, Bitbucket).
    /// </summary>
    private static string ResolveTechDocsRef(string docs, string? source)
    {
        if (!docs.StartsWith("dir:", StringComparison.Ordinal) || source is null)
        {
            return docs;
        }

        var folder = docs[4..].Trim('/');
        var root = source.EndsWith('/') ? source : $"{source}/";
        return folder is "." or "" ? $"url:{root}" : $"url:{root}{folder}/";
    }

    /// <summary>Whether <paramref name="value"/> is a short label such as a template name or version.</summary>
    internal static bool IsAnnotationValue(string value) => AnnotationValue().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._/-]{1,512}$")]
    private static partial Regex DocsFolder();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")]
    private static partial Regex AnnotationValue();

    private static string ResourceType(string kind) => kind switch
    {
        "postgres" => "database",
        "redis" => "cache",
        "http" => "external-service",
        _ => "resource",
    };
}
