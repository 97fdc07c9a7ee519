using System.Security.Cryptography;
using System.Text;
using GoldenPath.Catalog;
using GoldenPath.Platform.Data;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The catalog as Backstage entities: every service as a Component, with its System, its owning Group,
/// a Resource for each database or cache it depends on, and an API for each definition it published.
/// Names that tenants share are unique by construction: a Resource or API is named after its service
/// (<c>{service}.{name}</c>; a service name has no '.'), and a System is owned by the team that claimed it first.
/// </summary>
internal static class BackstageFeed
{
    public const string KubernetesIdAnnotation = "backstage.io/kubernetes-id";

    public static ComponentEntity ToComponent(ServiceEntity service)
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
        component.Metadata.Annotations[KubernetesIdAnnotation] = service.Name;
        component.Metadata.Annotations["goldenpath.dev/managed-by"] = "goldenpath-platform";
        foreach (var tag in service.Tags)
        {
            component.Metadata.Tags.Add(tag);
        }

        foreach (var link in service.Links)
        {
            component.Metadata.Links.Add(link);
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

    /// <summary>A service's Component with the Resources and APIs named after it.</summary>
    public static IEnumerable<CatalogEntity> ServiceEntities(ServiceEntity service)
    {
        yield return ToComponent(service);
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

    private static string ResourceType(string kind) => kind switch
    {
        "postgres" => "database",
        "redis" => "cache",
        "http" => "external-service",
        _ => "resource",
    };
}
