using System.Diagnostics.Metrics;

namespace GoldenPath.ServiceDefaults.Registration;

/// <summary>
/// The registration's current state, shared by the background service, the health check and the
/// <c>goldenpath.registration.state</c> metric.
/// </summary>
internal sealed class RegistrationStatus : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _attempts;
    private volatile StateSnapshot _current = new(RegistrationState.Disabled, null, null);

    public RegistrationStatus(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(GoldenPathTelemetry.MeterName);
        _meter.CreateObservableGauge(
            "goldenpath.registration.state",
            ObserveStates,
            unit: "{state}",
            description: "1 for the registration's current state, 0 for the others.");
        _attempts = _meter.CreateCounter<long>(
            "goldenpath.registration.attempts",
            unit: "{attempt}",
            description: "Calls to the platform by the registration, by outcome.");
    }

    public RegistrationState State => _current.State;

    public string? LastError => _current.LastError;

    public DateTimeOffset? LastSuccess => _current.LastSuccess;

    /// <summary>While the first registration waits for the first ready answer: the longest it waits.</summary>
    public TimeSpan? AwaitingFirstReadyAnswer { get; set; }

    /// <summary>Moves to <paramref name="state"/>; returns whether that is a change.</summary>
    public bool Set(RegistrationState state, string? error = null, DateTimeOffset? success = null)
    {
        var previous = _current;
        _current = new StateSnapshot(state, error, success ?? previous.LastSuccess);
        return previous.State != state;
    }

    public void RecordAttempt(string outcome) => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        var current = _current.State;
        foreach (var state in Enum.GetValues<RegistrationState>())
        {
            yield return new Measurement<int>(state == current ? 1 : 0, new KeyValuePair<string, object?>("state", StateName(state)));
        }
    }

    public static string StateName(RegistrationState state) => state switch
    {
        RegistrationState.Disabled => "disabled",
        RegistrationState.Registering => "registering",
        RegistrationState.Registered => "registered",
        RegistrationState.Unreachable => "unreachable",
        RegistrationState.Rejected => "rejected",
        RegistrationState.Deregistered => "deregistered",
        _ => "unknown",
    };

    private sealed record StateSnapshot(RegistrationState State, string? LastError, DateTimeOffset? LastSuccess);
}
