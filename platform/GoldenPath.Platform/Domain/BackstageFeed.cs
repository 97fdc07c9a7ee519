using GoldenPath.Catalog;
using GoldenPath.Catalog.Contracts;
using GoldenPath.Platform.Data;

namespace GoldenPath.Platform.Domain;

/// <summary>
/// The catalog as Backstage entities: every service as a Component, with its System, its owning Group,
/// a Resource for each database or cache it depends on, and an API for each definition it published.
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

        foreach (var api in service.ProvidesApis.Union(service.ApiDefinitions.Select(a => a.Name)))
        {
            component.Spec.ProvidesApis.Add(api.Contains(':', StringComparison.Ordinal) ? api : $"api:{api}");
        }

        foreach (var api in service.ConsumesApis)
        {
            component.Spec.ConsumesApis.Add(api.Contains(':', StringComparison.Ordinal) ? api : $"api:{api}");
        }

        foreach (var dependency in service.DependsOn)
        {
            component.Spec.DependsOn.Add(dependency.Kind == "service" ? $"component:{dependency.Name}" : $"resource:{ResourceName(service.Name, dependency)}");
        }

        return component;
    }

    public static IReadOnlyList<CatalogEntity> Entities(IReadOnlyList<ServiceEntity> services)
    {
        var entities = new List<CatalogEntity>();
        foreach (var service in services.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            entities.Add(ToComponent(service));
            foreach (var dependency in service.DependsOn.Where(d => d.Kind is not "service"))
            {
                entities.Add(new ResourceEntity
                {
                    Metadata = new EntityMetadata { Name = ResourceName(service.Name, dependency), Description = $"The {dependency.Kind} '{dependency.Name}' of {service.Name}." },
                    Spec = new ResourceSpec { Type = ResourceType(dependency.Kind), Owner = $"group:{service.Owner}", System = $"system:{service.System}" },
                });
            }

            foreach (var api in service.ApiDefinitions)
            {
                entities.Add(new ApiEntity
                {
                    Metadata = new EntityMetadata { Name = api.Name, Description = $"Provided by {service.Name}." },
                    Spec = new ApiSpec { Type = api.Type, Lifecycle = service.Lifecycle, Owner = $"group:{service.Owner}", System = $"system:{service.System}", Definition = api.Definition },
                });
            }
        }

        foreach (var system in services.GroupBy(s => s.System).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // The team that owns most of a system's services owns the system.
            var owner = system.GroupBy(s => s.Owner).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            entities.Add(new SystemEntity
            {
                Metadata = new EntityMetadata { Name = system.Key },
                Spec = new SystemSpec { Owner = $"group:{owner}" },
            });
        }

        foreach (var team in services.Select(s => s.Owner).Distinct().Order(StringComparer.Ordinal))
        {
            entities.Add(new GroupEntity { Metadata = new EntityMetadata { Name = team }, Spec = new GroupSpec { Type = "team" } });
        }

        return entities;
    }

    private static string ResourceName(string service, ServiceDependency dependency)
    {
        var name = dependency.Name.StartsWith(service, StringComparison.Ordinal) ? dependency.Name : $"{service}-{dependency.Name}";
        return name.Length <= ServiceName.MaxLength ? name : name[..ServiceName.MaxLength].TrimEnd('-');
    }

    private static string ResourceType(string kind) => kind switch
    {
        "postgres" => "database",
        "redis" => "cache",
        "http" => "external-service",
        _ => "resource",
    };
}
