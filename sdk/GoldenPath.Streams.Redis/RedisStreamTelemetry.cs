using System.Diagnostics;

namespace GoldenPath.Streams.Redis;

/// <summary>The consumer's meter and activity source (both named <see cref="Name"/>, exported by the golden path).</summary>
internal static class RedisStreamTelemetry
{
    public const string Name = "GoldenPath.Streams.Redis";

    public static readonly ActivitySource Source = new(Name);
}
