using Switchboard.Core.Invoking;
using Switchboard.Core.Describing;

namespace Switchboard.Host.Connectors;

/// <summary>An inbound connector of one plugin generation as the host serves it: the core's description of it, and its
/// concurrency limit, the plugin's as for its outbound connectors (held by its webhook requests).</summary>
internal sealed class LoadedInbound(InboundDefinition definition, ConcurrencyLimits limits)
{
    /// <summary>What the core described: metadata, properties, how to create and call it.</summary>
    public InboundDefinition Definition { get; } = definition;

    /// <summary>Bounds the connector's concurrent webhook requests, as <see cref="LoadedConnector.Slots"/> bounds outbound calls.</summary>
    public CallSlots Slots { get; } = new(limits);
}
