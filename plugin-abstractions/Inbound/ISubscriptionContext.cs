namespace Switchboard.Abstractions.Inbound;

/// <summary>What a running subscription uses to hand events to the host and say how it is.</summary>
public interface ISubscriptionContext : IInboundContext
{
    /// <summary>Correlates one event (serialized to JSON as an outbound output is) and says what became of it.</summary>
    /// <remarks>Acknowledge the event to its source only when the outcome is not <see cref="EventStatus.Failed"/>;
    /// a failed one (the gateway unreachable, for instance) may be delivered again.</remarks>
    Task<EventOutcome> PublishAsync(object? @event);

    /// <summary>Reports the activation up (the default once started).</summary>
    void ReportUp();

    /// <summary>Reports the activation down, with why (shown in <c>GET /inbound</c>), while the subscription goes on
    /// trying (a broker that went away, for instance).</summary>
    void ReportDown(string reason);
}
