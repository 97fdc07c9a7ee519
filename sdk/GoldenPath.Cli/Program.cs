namespace GoldenPath.Cli;

/// <summary>The <c>goldenpath</c> tool's entry point.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => GoldenPathCli.RunAsync(args, Console.Out, Console.Error);
}
