using Switchboard.Core.Invoking;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Describing;

/// <summary>A connector type described once: its metadata, the one instance all its calls share, and an invoker per operation.</summary>
internal sealed class ConnectorDefinition(ConnectorMetadata metadata, object instance, IReadOnlyDictionary<string, OperationInvoker> invokers)
{
    public ConnectorMetadata Metadata { get; } = metadata;

    /// <summary>The plugin's object; whoever described it disposes it (<see cref="ConnectorInstances.DisposeAsync"/>).</summary>
    public object Instance { get; } = instance;

    /// <summary>Invokers keyed by operation id, case-insensitively (the empty id for a single unnamed operation).</summary>
    public IReadOnlyDictionary<string, OperationInvoker> Invokers { get; } = invokers;
}
