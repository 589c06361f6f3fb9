using System.Diagnostics.Metrics;

namespace Switchboard.Host.Telemetry;

/// <summary>One Zeebe job worker's state in <c>switchboard.zeebe.workers</c>: counted under its current state, moved
/// when the state changes, gone when the worker closes.</summary>
internal sealed class ZeebeWorkerState
{
    /// <summary><c>switchboard.zeebe.workers</c>: job workers by <c>connector</c> (the job type) and <c>state</c>
    /// (<c>polling</c>: activating works; <c>retrying</c>: the last activation failed and the worker is backing off;
    /// <c>closing</c>: it takes no more jobs and waits for its running ones to report, as <c>/health</c> lists it).</summary>
    private static readonly UpDownCounter<long> Workers = SwitchboardTelemetry.Meter.CreateUpDownCounter<long>("switchboard.zeebe.workers", "{worker}",
        "Zeebe job workers by connector and state (polling, retrying, closing).");

    /// <summary>The state of a worker that takes no more jobs and drains its running ones.</summary>
    public const string Closing = "closing";

    private readonly Lock _lock = new();
    private readonly string _connector;
    private string? _state;

    public ZeebeWorkerState(string connector, string state)
    {
        _connector = connector;
        Set(state);
    }

    /// <summary>Moves the worker to <paramref name="state"/>; null when it has closed. Safe from the polling and
    /// streaming loops and the closing at once: each change takes away exactly the state it replaced, and once
    /// <see cref="Closing"/>, a loop's late report of polling or retrying no longer moves it back.</summary>
    public void Set(string? state)
    {
        lock (_lock)
        {
            var previous = _state;
            if (previous == state || (ReferenceEquals(previous, Closing) && state is not null))
                return;
            _state = state;
            if (previous is not null)
                Workers.Add(-1, Tag(previous));
            if (state is not null)
                Workers.Add(1, Tag(state));
        }
    }

    private KeyValuePair<string, object?>[] Tag(string state) => [new("connector", _connector), new("state", state)];
}
