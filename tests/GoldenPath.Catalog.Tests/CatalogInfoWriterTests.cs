namespace GoldenPath.Catalog.Tests;

public sealed class CatalogInfoWriterTests
{
    [Fact]
    public void WritesAComponentInBackstagesConventionalLayout()
    {
        var component = new ComponentEntity
        {
            Metadata = new EntityMetadata { Name = "orders-api", Description = "Takes orders." },
            Spec = new ComponentSpec { Type = "service", Lifecycle = "experimental", Owner = "team-payments", System = "payments" },
        };
        component.Metadata.Annotations["backstage.io/kubernetes-id"] = "orders-api";
        component.Metadata.Tags.Add("dotnet");

        var yaml = CatalogInfoWriter.Write([component]);

        Assert.Equal("""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: orders-api
              description: Takes orders.
              annotations:
                backstage.io/kubernetes-id: orders-api
              tags:
                - dotnet
            spec:
              type: service
              lifecycle: experimental
              owner: team-payments
              system: payments

            """.ReplaceLineEndings("\n"), yaml.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void WhatIsWrittenReadsBackTheSameIncludingStringsThatLookLikeOtherTypes()
    {
        var group = new GroupEntity
        {
            Metadata = new EntityMetadata { Name = "team-42", Title = "true", Description = "0123" },
            Spec = new GroupSpec { Type = "team", DisplayName = "Team 42", Email = "team42@example.com" },
        };
        group.Metadata.Labels["cost-center"] = "1234";
        group.Metadata.Links.Add(new EntityLink("https://example.com/runbook", "Runbook: on-call", "docs", "runbook"));
        var api = new ApiEntity
        {
            Metadata = new EntityMetadata { Name = "orders-api" },
            Spec = new ApiSpec { Type = "openapi", Lifecycle = "production", Owner = "team-42", Definition = "openapi: 3.1.0\ninfo:\n  title: Orders\n" },
        };

        var read = CatalogInfoReader.Read(CatalogInfoWriter.Write([group, api]));

        var readGroup = Assert.IsType<GroupEntity>(read[0]);
        Assert.Equal(("true", "0123", "1234"), (readGroup.Metadata.Title, readGroup.Metadata.Description, readGroup.Metadata.Labels["cost-center"]));
        Assert.Equal(("Team 42", "team42@example.com"), (readGroup.Spec.DisplayName, readGroup.Spec.Email));
        Assert.Empty(readGroup.Spec.Children);
        Assert.Equal(group.Metadata.Links, readGroup.Metadata.Links);
        Assert.Equal(api.Spec.Definition, Assert.IsType<ApiEntity>(read[1]).Spec.Definition);
    }

    [Fact]
    public void EveryFieldOfEveryKindIsWrittenByBothWritersAndReadBack()
    {
        var component = new ComponentEntity
        {
            Metadata = new EntityMetadata { Name = "orders-api" },
            Spec = new ComponentSpec { Type = "service", Lifecycle = "production", Owner = "group:team-a", System = "shop", SubcomponentOf = "shop-web", ProvidesApis = ["orders"], ConsumesApis = ["api:default/stock"], DependsOn = ["resource:orders-db"] },
        };
        var api = new ApiEntity
        {
            Metadata = new EntityMetadata { Name = "orders" },
            Spec = new ApiSpec { Type = "openapi", Lifecycle = "production", Owner = "team-a", System = "shop", Definition = "openapi: 3.1.0\ninfo: {}\n" },
        };
        var resource = new ResourceEntity
        {
            Metadata = new EntityMetadata { Name = "orders-db" },
            Spec = new ResourceSpec { Type = "database", Owner = "team-a", System = "shop", DependsOn = ["resource:disks"] },
        };
        var system = new SystemEntity { Metadata = new EntityMetadata { Name = "shop" }, Spec = new SystemSpec { Owner = "team-a", Domain = "commerce" } };
        var group = new GroupEntity
        {
            Metadata = new EntityMetadata { Name = "team-a" },
            Spec = new GroupSpec { Type = "team", DisplayName = "Team A", Email = "a@example.com", Parent = "engineering", Children = ["team-a1"], Members = ["ada"] },
        };
        CatalogEntity[] entities = [component, api, resource, system, group];

        var read = CatalogInfoReader.Read(CatalogInfoWriter.Write(entities));

        Assert.Equal(
            [
                "type lifecycle owner system subcomponentOf providesApis consumesApis dependsOn",
                "type lifecycle owner system definition",
                "type owner system dependsOn",
                "owner domain",
                "type profile parent children members",
            ],
            entities.Select(e => string.Join(' ', CatalogJsonWriter.ToJson(e)["spec"]!.AsObject().Select(p => p.Key))));
        Assert.Equal(
            entities.Select(e => CatalogJsonWriter.ToJson(e).ToJsonString()),
            read.Select(e => CatalogJsonWriter.ToJson(e).ToJsonString()));
        Assert.Equal("{\"displayName\":\"Team A\",\"email\":\"a@example.com\"}", CatalogJsonWriter.ToJson(group)["spec"]!["profile"]!.ToJsonString());
    }
}
