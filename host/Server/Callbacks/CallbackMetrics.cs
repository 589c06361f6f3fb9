using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Callbacks;

/// <summary>Counts one protocol's asynchronous calls and what became of their callbacks: for its status route and its meter.</summary>
/// <remarks>One accounting for every protocol that calls back, so "lost" means the same in each: given up on after
/// the retries, refused by the receiver, or abandoned when the host stopped.</remarks>
internal abstract class CallbackMetrics
{
    private readonly Counter<long> _deliveredCounter;
    private readonly Counter<long> _retriedCounter;
    private readonly Counter<long> _lostCounter;
    private long _accepted;
    private long _pending;
    private long _delivered;
    private long _retried;
    private long _lost;

    /// <summary>Creates the meter <c>Switchboard.&lt;Protocol&gt;</c> with <c>switchboard.&lt;protocol&gt;.callbacks.*</c> instruments.</summary>
    protected CallbackMetrics(IMeterFactory meters, string protocol)
    {
        var meter = meters.Create("Switchboard." + protocol);
        var prefix = "switchboard." + protocol.ToLowerInvariant();
        _deliveredCounter = meter.CreateCounter<long>(prefix + ".callbacks.delivered", "{callback}", "Callbacks the callback URL accepted.");
        _retriedCounter = meter.CreateCounter<long>(prefix + ".callbacks.retried", "{attempt}", "Callback attempts repeated after a transient failure.");
        _lostCounter = meter.CreateCounter<long>(prefix + ".callbacks.lost", "{callback}", "Callbacks given up on: attempts exhausted, refused, or the host stopped.");
        meter.CreateObservableUpDownCounter(prefix + ".async_calls.pending", () => Pending, "{call}", "Asynchronous calls accepted and not yet called back.");
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

/// <summary>CSP's callback accounting (<c>GET /csp/status</c>, meter <c>Switchboard.Csp</c>).</summary>
internal sealed class CspCallbackMetrics(IMeterFactory meters) : CallbackMetrics(meters, "Csp");

/// <summary>The SpiffWorkflow proxy's callback accounting (<c>GET /v1/status</c>, meter <c>Switchboard.Spiff</c>).</summary>
internal sealed class SpiffCallbackMetrics(IMeterFactory meters) : CallbackMetrics(meters, "Spiff");
