namespace Switchboard.Core.Metadata;

/// <summary>How an inbound connector receives events.</summary>
public enum InboundKind
{
    Polling,
    Webhook,
}

/// <summary>An inbound connector declared by a plugin, kept for the inbound adapter.</summary>
public sealed record InboundConnectorMetadata(
    string Type,
    string Name,
    string? Description,
    int Version,
    InboundKind Kind,
    TimeSpan Cycle,
    string PluginName);
