using Switchboard.Core.Describing;

namespace Switchboard.Host.Catalog;

/// <summary>A claim on one inbound connector of one plugin generation; the generation is not unloaded while it is held.</summary>
internal sealed class InboundLease(PluginGeneration generation, InboundDefinition definition) : IDisposable
{
    private PluginGeneration? _generation = generation;

    public InboundDefinition Definition { get; } = definition;

    public PluginGeneration Generation => _generation ?? throw new ObjectDisposedException(nameof(InboundLease));

    public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Exit();
}
