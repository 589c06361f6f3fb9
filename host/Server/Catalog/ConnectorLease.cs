using Switchboard.Core.Invoking;
using Switchboard.Core.Describing;
using Switchboard.Host.Connectors;

namespace Switchboard.Host.Catalog;

/// <summary>A claim on one plugin generation: it is not unloaded while the claim is held. Disposing ends the claim once.</summary>
internal abstract class GenerationLease(PluginGeneration generation) : IDisposable
{
    private PluginGeneration? _generation = generation;

    public PluginGeneration Generation => _generation ?? throw new ObjectDisposedException(GetType().Name);

    public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Exit();

    /// <summary>Moves the claim to the returned one, which its new owner disposes; this lease holds nothing after (and
    /// disposing it does nothing). For plugin code that may outlive the request that started it: the claim then lasts
    /// as long as that code, not as long as the request.</summary>
    public IDisposable HandOver() =>
        new Held(Interlocked.Exchange(ref _generation, null) ?? throw new ObjectDisposedException(GetType().Name));

    private sealed class Held(PluginGeneration generation) : IDisposable
    {
        private PluginGeneration? _generation = generation;

        public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Exit();
    }
}

/// <summary>A claim on one connector of one plugin generation, for an outbound call.</summary>
internal sealed class ConnectorLease(PluginGeneration generation, LoadedConnector connector) : GenerationLease(generation)
{
    public LoadedConnector Connector { get; } = connector;
}

/// <summary>A claim on one inbound connector of one plugin generation, for one event.</summary>
internal sealed class InboundLease(PluginGeneration generation, LoadedInbound inbound) : GenerationLease(generation)
{
    /// <summary>How to create and call the connector in the host; null when its plugin runs in a worker process
    /// (<see cref="PluginGeneration.Worker"/>).</summary>
    public InboundDefinition? Definition { get; } = inbound.Definition;

    /// <summary>What the connector declared.</summary>
    public Core.Metadata.InboundConnectorMetadata Metadata { get; } = inbound.Metadata;

    /// <summary>The connector's concurrency limit, which its webhook requests hold a slot of while its code runs.</summary>
    public CallSlots Slots { get; } = inbound.Slots;
}
