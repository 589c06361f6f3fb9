using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;

namespace Switchboard.Host.Catalog;

/// <summary>A claim on one connector of one plugin generation; the generation is not unloaded while it is held.</summary>
internal sealed class ConnectorLease : IDisposable
{
    private PluginGeneration? _generation;

    public ConnectorLease(PluginGeneration generation, LoadedConnector connector)
    {
        _generation = generation;
        Connector = connector;
    }

    public LoadedConnector Connector { get; }
    public PluginGeneration Generation => _generation ?? throw new ObjectDisposedException(nameof(ConnectorLease));

    public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Exit();
}
