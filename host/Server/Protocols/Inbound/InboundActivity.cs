using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What each activation has done since start, for <c>GET /inbound</c>: events received and what became of them.</summary>
internal sealed class InboundActivity
{
    private readonly ConcurrentDictionary<string, Counters> _byActivation = new(StringComparer.Ordinal);

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
