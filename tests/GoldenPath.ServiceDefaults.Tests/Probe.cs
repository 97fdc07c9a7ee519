namespace GoldenPath.ServiceDefaults.Tests;

/// <summary>tests/Apps/ProbeService, a golden-path service built with these tests, run as a real process.</summary>
internal static class Probe
{
    public static string Assembly { get; } = ServiceProcess.BuildOutput("tests/Apps/ProbeService", "ProbeService.dll");

    /// <summary>Starts <c>ProbeService <paramref name="mode"/></c> (<c>web</c> or <c>worker</c>) in Production.</summary>
    public static ServiceProcess Start(string mode, IReadOnlyDictionary<string, string?> environment) => ServiceProcess.Start(Assembly, [mode], environment);

    /// <summary>Starts <c>ProbeService web</c> in Production and learns its port from its own log.</summary>
    public static Task<ServiceProcess> StartWebAsync(IReadOnlyDictionary<string, string?> environment) => ServiceProcess.StartWebAsync(Assembly, ["web"], environment);
}
