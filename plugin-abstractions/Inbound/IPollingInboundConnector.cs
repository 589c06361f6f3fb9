namespace Switchboard.Abstractions.Inbound;

/// <summary>An inbound connector polled once per cycle (see <see cref="InboundConnectorAttribute.CycleSeconds"/>).</summary>
public interface IPollingInboundConnector
{
    /// <summary>Checks the outside system once; returns the events found, empty when nothing happened.</summary>
    Task<IReadOnlyList<InboundEvent>> PollAsync(IConnectorContext context);
}
