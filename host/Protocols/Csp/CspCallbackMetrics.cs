using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Counts asynchronous calls and what became of their callbacks, for <c>GET /csp/status</c> and the <c>Switchboard.Csp</c> meter.</summary>
internal sealed class CspCallbackMetrics
{
    public const string MeterName = "Switchboard.Csp";

    private readonly Counter<long> _deliveredCounter;
    private readonly Counter<long> _retriedCounter;
    private readonly Counter<long> _lostCounter;
    private long _accepted;
    private long _pending;
    private long _delivered;
    private long _retried;
    private long _lost;

    public CspCallbackMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deliveredCounter = meter.CreateCounter<long>("switchboard.csp.callbacks.delivered", description: "Callbacks the callback URL accepted.");
        _retriedCounter = meter.CreateCounter<long>("switchboard.csp.callbacks.retried", description: "Callback attempts repeated after a transient failure.");
        _lostCounter = meter.CreateCounter<long>("switchboard.csp.callbacks.lost", description: "Callbacks given up on: attempts exhausted, refused, or the host stopped.");
        meter.CreateObservableUpDownCounter("switchboard.csp.async_calls.pending", () => Pending, description: "Asynchronous calls accepted and not yet called back.");
    }

    public long Pending => Interlocked.Read(ref _pending);

    public long Lost => Interlocked.Read(ref _lost);

    public void Accepted()
    {
        Interlocked.Increment(ref _accepted);
        Interlocked.Increment(ref _pending);
    }

    public void Refused()
    {
        Interlocked.Decrement(ref _accepted);
        Interlocked.Decrement(ref _pending);
    }

    public void Finished() => Interlocked.Decrement(ref _pending);

    public void Delivered()
    {
        Interlocked.Increment(ref _delivered);
        _deliveredCounter.Add(1);
    }

    public void Retried()
    {
        Interlocked.Increment(ref _retried);
        _retriedCounter.Add(1);
    }

    public void LostOne()
    {
        Interlocked.Increment(ref _lost);
        _lostCounter.Add(1);
    }

    public JsonObject Snapshot() => new()
    {
        ["asyncCalls"] = new JsonObject { ["accepted"] = Interlocked.Read(ref _accepted), ["pending"] = Pending },
        ["callbacks"] = new JsonObject
        {
            ["delivered"] = Interlocked.Read(ref _delivered),
            ["retried"] = Interlocked.Read(ref _retried),
            ["lost"] = Lost,
        },
    };
}
