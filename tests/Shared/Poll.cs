using System.Diagnostics;

namespace GoldenPath.Tests;

/// <summary>
/// The one way the tests wait for something to become true in real time: look, pause, look again, and fail with what
/// was awaited once the (generous) bound has passed. A condition that throws <see cref="HttpRequestException"/> (nothing
/// listens yet) or times out its HTTP call counts as not yet; the last such error is in the failure.
/// </summary>
internal static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits until <paramref name="condition"/> holds; returns how long that took.</summary>
    public static Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, () => what, interval);

    /// <summary>Waits until <paramref name="condition"/> holds; returns how long that took.</summary>
    public static Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        UntilAsync(condition, timeout, () => what, interval);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, looking every <paramref name="interval"/> (100 ms); returns how
    /// long that took. <paramref name="what"/> is asked only on failure, so it can tell what was seen by then.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? interval = null)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception;
            }
            catch (TaskCanceledException exception) when (!cancellation.IsCancellationRequested)
            {
                last = exception;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Not true within {timeout}: {what()}." + (last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}"));
            }

            await Task.Delay(interval ?? DefaultInterval, cancellation);
        }
    }
}
