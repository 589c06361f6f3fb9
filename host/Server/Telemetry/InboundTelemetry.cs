using System.Diagnostics.Metrics;

namespace Switchboard.Host.Telemetry;

/// <summary>Inbound connectors' instrument: events received from webhooks, pollers and subscriptions and what became of them.</summary>
internal static class InboundTelemetry
{
    /// <summary><c>switchboard.inbound.events</c>: events by <c>connector</c>, <c>activation</c> (the element's id, as
    /// <c>/inbound</c> lists it) and <c>outcome</c>: <c>correlated</c> (a 2xx answer: a process instance created or a
    /// message published), <c>refused</c> (4xx: unauthenticated, invalid, or not matching the activation condition)
    /// or <c>failed</c> (5xx: Zeebe could not be reached, or the connector failed).</summary>
    private static readonly Counter<long> Events = SwitchboardTelemetry.Meter.CreateCounter<long>("switchboard.inbound.events", "{event}",
        "Inbound events received, by connector, activation and outcome (correlated, refused, failed).");

    public static void Event(string connector, string activation, int status) => Events.Add(1,
        new KeyValuePair<string, object?>("connector", connector),
        new KeyValuePair<string, object?>("activation", activation),
        new KeyValuePair<string, object?>("outcome", status switch { >= 200 and < 300 => "correlated", < 500 => "refused", _ => "failed" }));
}
