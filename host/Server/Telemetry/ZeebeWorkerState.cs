using System.Diagnostics.Metrics;

namespace Switchboard.Host.Telemetry;

/// <summary>One Zeebe job worker's state in <c>switchboard.zeebe.workers</c>: counted under its current state, moved
/// when the state changes, gone when the worker closes.</summary>
internal sealed class ZeebeWorkerState
{
    /// <summary><c>switchboard.zeebe.workers</c>: job workers by <c>connector</c> (the job type) and <c>state</c>
    /// (<c>polling</c>: activating works; <c>retrying</c>: the last activation failed and the worker is backing off).</summary>
    private static readonly UpDownCounter<long> Workers = SwitchboardTelemetry.Meter.CreateUpDownCounter<long>("switchboard.zeebe.workers", "{worker}",
        "Zeebe job workers by connector and state (polling, retrying).");

    private readonly string _connector;
    private string? _state;

    public ZeebeWorkerState(string connector, string state)
    {
        _connector = connector;
        Set(state);
    }

    /// <summary>Moves the worker to <paramref name="state"/>; null when it closes. Safe from the polling and streaming loops at once:
    /// each change takes away exactly the state it replaced.</summary>
    public void Set(string? state)
    {
        var previous = Interlocked.Exchange(ref _state, state);
        if (previous == state)
            return;
        if (previous is not null)
            Workers.Add(-1, Tag(previous));
        if (state is not null)
            Workers.Add(1, Tag(state));
    }

    private KeyValuePair<string, object?>[] Tag(string state) => [new("connector", _connector), new("state", state)];
}
