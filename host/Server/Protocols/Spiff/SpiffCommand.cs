using Switchboard.Core.Metadata;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>One published SpiffWorkflow command: its id and the connector operation serving it.</summary>
internal sealed record SpiffCommand(string Id, ConnectorMetadata Connector, OperationMetadata Operation);
