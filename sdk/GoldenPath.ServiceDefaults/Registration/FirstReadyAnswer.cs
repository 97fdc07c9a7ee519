namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// The instance's first 200 to a readiness or start-up probe, which the first registration waits for
/// (<see cref="PlatformRegistrationOptions.MaxFirstRegistrationDelay"/>): the registration's first call then runs after
/// the answer that puts the instance in rotation, not beside it on the start path.
/// </summary>
internal sealed class FirstReadyAnswer
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the golden path's health endpoints are mapped, so that an answer can come at all.</summary>
    public bool Expected { get; private set; }

    /// <summary>Completes once the first answer has been sent.</summary>
    public Task Answered => _answered.Task;

    public void Expect() => Expected = true;

    public void SetAnswered() => _answered.TrySetResult();
}
