using Aspire.Hosting.ApplicationModel;

namespace GoldenPath.Hosting;

/// <summary>Marks the project resource that is the GoldenPath platform, and holds its admin token: the platform's and the app host's (the operator's), never a service's.</summary>
/// <param name="AdminToken">The generated admin token parameter (a secret).</param>
public sealed record GoldenPathPlatformAnnotation(IResourceBuilder<ParameterResource> AdminToken) : IResourceAnnotation;
