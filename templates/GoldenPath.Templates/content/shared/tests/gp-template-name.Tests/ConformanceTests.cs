using GoldenPath.Testing;

namespace GpTemplateNamespace.Tests;

/// <summary>
/// The golden-path conformance suite (GoldenPath.Testing): health endpoints, service-info, identity,
/// OpenTelemetry resource, JSON logs with trace ids and registration, checked against this service.
/// </summary>
public sealed class ConformanceTests(ServiceFixture service) : GoldenPathConformanceTests<Program>, IClassFixture<ServiceFixture>
{
    protected override async ValueTask<IReadOnlyDictionary<string, string?>> GetSettingsAsync() => await service.GetSettingsAsync();
}
