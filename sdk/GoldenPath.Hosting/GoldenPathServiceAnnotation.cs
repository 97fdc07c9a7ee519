using Aspire.Hosting.ApplicationModel;

namespace GoldenPath.Hosting;

/// <summary>
/// Marks a service wired by <c>WithGoldenPath</c>: whichever of it and the platform is added second makes it wait for
/// the platform, and its environment names the platform when it is read, so the order of the calls does not matter.
/// </summary>
internal sealed class GoldenPathServiceAnnotation : IResourceAnnotation;
