using Switchboard.Host.Metadata;

namespace Switchboard.Host.Connectors;

/// <summary>A connector instance of one plugin generation, with its metadata and one invoker per operation.</summary>
internal sealed class LoadedConnector(ConnectorMetadata metadata, object instance, IReadOnlyDictionary<string, OperationInvoker> invokers)
{
    public ConnectorMetadata Metadata { get; } = metadata;

    /// <summary>The plugin's object; disposed with its generation.</summary>
    public object Instance { get; } = instance;

    /// <summary>Invokers keyed by operation id (empty for a single operation).</summary>
    public IReadOnlyDictionary<string, OperationInvoker> Invokers { get; } = invokers;
}
