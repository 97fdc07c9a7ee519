using System.Collections.Concurrent;

namespace GoldenPath.Testing;

/// <summary>The lines a console logger would have written to standard output, kept for a test to read.</summary>
internal sealed class ConsoleCapture
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public void Add(string text)
    {
        foreach (var line in text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries))
        {
            _lines.Enqueue(line);
        }
    }
}
