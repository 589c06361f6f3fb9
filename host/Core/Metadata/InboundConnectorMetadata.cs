namespace Switchboard.Core.Metadata;

/// <summary>How an inbound connector receives events.</summary>
public enum InboundKind
{
    /// <summary>Each HTTP request to the activation's path is one event.</summary>
    Webhook,

    /// <summary>The host asks the connector for events every interval, keeping its cursor.</summary>
    Polling,

    /// <summary>The connector runs for as long as the activation and pushes events as they come.</summary>
    Subscription,
}

/// <summary>An inbound connector declared by a plugin: what every listing and template shows of it.</summary>
/// <param name="Type">The <c>inbound.type</c> it serves.</param>
/// <param name="Name">Display name.</param>
/// <param name="Description">One sentence on what it does.</param>
/// <param name="Version">Version of its contract.</param>
/// <param name="Kind">How it receives events.</param>
/// <param name="PluginName">The plugin that declares it.</param>
/// <param name="Properties">The activation properties it reads (the element's <c>zeebe:properties</c>).</param>
public sealed record InboundConnectorMetadata(
    string Type,
    string Name,
    string? Description,
    int Version,
    InboundKind Kind,
    string PluginName,
    IReadOnlyList<ParameterMetadata> Properties)
{
    /// <summary>The icon as a <c>data:</c> URI, for element templates; null when the connector declares none.</summary>
    public string? Icon { get; init; }

    /// <summary>Words the Modeler's search finds the connector by.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>Link to the connector's documentation, as declared.</summary>
    public string? DocumentationUrl { get; init; }
}
