using Microsoft.Extensions.Time.Testing;

namespace GoldenPath.ServiceDefaults.Tests;

internal static class Eventually
{
    /// <summary>
    /// Waits until <paramref name="condition"/> holds, advancing <paramref name="time"/> by <paramref name="step"/>
    /// between looks (with a short real pause so background work can run), at most <paramref name="maxAdvance"/> in all.
    /// Returns how much fake time passed.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition, TimeSpan step, TimeSpan maxAdvance, string what)
    {
        var advanced = TimeSpan.Zero;
        var realDeadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (advanced > maxAdvance || DateTime.UtcNow > realDeadline)
            {
                throw new TimeoutException($"Not true after advancing {advanced} of fake time: {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
            time.Advance(step);
            advanced += step;
        }

        return advanced;
    }
}
