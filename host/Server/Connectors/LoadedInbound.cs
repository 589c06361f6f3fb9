using Switchboard.Core.Invoking;
using Switchboard.Core.Describing;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Connectors;

/// <summary>An inbound connector of one plugin generation as the host serves it: the core's description of it (or, under
/// process isolation, the worker's metadata of it), and its concurrency limit, the plugin's as for its outbound
/// connectors (held by its webhook requests).</summary>
internal sealed class LoadedInbound
{
    public LoadedInbound(InboundDefinition definition, ConcurrencyLimits limits)
        : this(definition.Metadata, limits) => Definition = definition;

    /// <summary>An inbound connector that runs in a worker process: the host knows only its metadata.</summary>
    public LoadedInbound(InboundConnectorMetadata metadata, ConcurrencyLimits limits)
    {
        Metadata = metadata;
        Slots = new CallSlots(limits);
    }

    /// <summary>What the core described: metadata, properties, how to create and call it; null when the plugin runs in a
    /// worker process.</summary>
    public InboundDefinition? Definition { get; }

    /// <summary>What every listing, template and activation reads of it.</summary>
    public InboundConnectorMetadata Metadata { get; }

    /// <summary>Bounds the connector's concurrent webhook requests, as <see cref="LoadedConnector.Slots"/> bounds outbound calls.</summary>
    public CallSlots Slots { get; }
}
