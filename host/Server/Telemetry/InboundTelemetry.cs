using System.Diagnostics;
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

    /// <summary>Starts the span of one inbound event, named <c>{connector} {kind}</c> (<c>webhook</c>, <c>polling</c>,
    /// <c>subscription</c>); under a webhook request's span, which continues its <c>traceparent</c>. Null when nothing listens.</summary>
    public static Activity? Start(string connector, string activation, string kind)
    {
        if (!SwitchboardTelemetry.Source.HasListeners())
            return null;
        var span = SwitchboardTelemetry.Source.StartActivity($"{connector} {kind}", ActivityKind.Internal);
        span?.SetTag("switchboard.connector", connector);
        span?.SetTag("switchboard.activation", activation);
        span?.SetTag("switchboard.protocol", "Inbound");
        return span;
    }

    /// <summary>Counts an event with what became of it, and puts that on the event's span when it is the current one.</summary>
    public static void Event(string connector, string activation, int status)
    {
        var outcome = status switch { >= 200 and < 300 => "correlated", < 500 => "refused", _ => "failed" };
        Events.Add(1,
            new KeyValuePair<string, object?>("connector", connector),
            new KeyValuePair<string, object?>("activation", activation),
            new KeyValuePair<string, object?>("outcome", outcome));
        if (Activity.Current is { } span && span.Source == SwitchboardTelemetry.Source && Equals(span.GetTagItem("switchboard.activation"), activation))
        {
            span.SetTag("switchboard.outcome", outcome);
            span.SetTag("http.response.status_code", status);
            if (status >= 500)
                span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
