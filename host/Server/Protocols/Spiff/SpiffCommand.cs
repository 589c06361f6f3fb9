using Switchboard.Core.Metadata;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>One published SpiffWorkflow command: its id and the connector operation serving it.</summary>
internal sealed record SpiffCommand(string Id, ConnectorMetadata Connector, OperationMetadata Operation)
{
    /// <summary>Whether a parameter's id starts as SpiffWorkflow's reserved keys do (<c>spiff__</c>): such a parameter
    /// never takes the reserved key's value.</summary>
    public bool NamesReservedParameter { get; } = Operation.Input.Any(p => p.Id.StartsWith("spiff__", StringComparison.Ordinal));
}
