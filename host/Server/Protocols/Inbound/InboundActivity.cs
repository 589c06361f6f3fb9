using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What each activation has done since start, for <c>GET /inbound</c>: events received and what became of them.</summary>
/// <remarks>Kept for the activations served now: when the registry's set changes, those of activations it no longer
/// holds are dropped. Processes redeployed with new element or process ids made new activations on every deployment,
/// and the counters of every one of them were kept until the host stopped.</remarks>
internal sealed class InboundActivity
{
    private readonly ConcurrentDictionary<string, Counters> _byActivation = new(StringComparer.Ordinal);
    private readonly ActivationRegistry _registry;

    public InboundActivity(ActivationRegistry registry)
    {
        _registry = registry;
        registry.Changed += ForgetGone;
    }

    // An event of an activation just removed may still be counted after this; the next change drops it.
    private void ForgetGone()
    {
        var served = _registry.All.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in _byActivation.Keys)
        {
            if (!served.Contains(id))
                _byActivation.TryRemove(id, out _);
        }
    }

    /// <summary>Counts one event of <paramref name="activation"/>, answered (or settled) with <paramref name="status"/>, here and in
    /// <c>switchboard.inbound.events</c>.</summary>
    public void Record(Activation activation, int status, string outcome)
    {
        Telemetry.InboundTelemetry.Event(activation.ConnectorType, activation.Id, status);
        var counters = _byActivation.GetOrAdd(activation.Id, _ => new Counters());
        Interlocked.Increment(ref counters.Received);
        if (status is >= 200 and < 300)
            Interlocked.Increment(ref counters.Answered2xx);
        else if (status < 500)
            Interlocked.Increment(ref counters.Refused4xx);
        else
            Interlocked.Increment(ref counters.Failed5xx);
        counters.Last = new JsonObject { ["status"] = status, ["outcome"] = StatusText.Cut(outcome), ["at"] = DateTimeOffset.UtcNow.ToString("O") };
    }

    public JsonObject Describe(string activationId)
    {
        var counters = _byActivation.GetValueOrDefault(activationId);
        return new JsonObject
        {
            ["received"] = counters?.Received ?? 0,
            ["succeeded"] = counters?.Answered2xx ?? 0,
            ["refused"] = counters?.Refused4xx ?? 0,
            ["failed"] = counters?.Failed5xx ?? 0,
            ["last"] = counters?.Last?.DeepClone(),
        };
    }

    private sealed class Counters
    {
        public long Received;
        public long Answered2xx;
        public long Refused4xx;
        public long Failed5xx;
        public volatile JsonObject? Last;
    }
}
