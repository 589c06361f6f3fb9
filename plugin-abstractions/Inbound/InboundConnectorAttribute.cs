namespace Switchboard.Abstractions.Inbound;

/// <summary>Marks a class as an inbound connector: one that turns outside events into process messages or new process instances.</summary>
/// <remarks>The class implements one of <see cref="IWebhookConnector{TProperties}"/>, <see cref="IPollingConnector{TProperties}"/>
/// or <see cref="ISubscriptionConnector{TProperties}"/>; the host creates it (with a public
/// parameterless constructor or one taking <see cref="IPluginContext"/>) for the activations that name its type.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class InboundConnectorAttribute : Attribute
{
    /// <summary>Declares an inbound connector with its stable type string.</summary>
    public InboundConnectorAttribute(string type) => Type = type;

    /// <summary>Stable type string, the <c>inbound.type</c> of the BPMN elements it serves, e.g. <c>io.camunda:webhook:1</c>.</summary>
    public string Type { get; }

    /// <summary>Display name.</summary>
    public string? Name { get; set; }

    /// <summary>One-sentence description.</summary>
    public string? Description { get; set; }

    /// <summary>Version of the connector's contract.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The connector's icon in element templates: the name of an SVG or PNG file shipped in the plugin's
    /// folder (e.g. <c>icon.svg</c>, at most 64 KiB), or a <c>data:</c> URI.</summary>
    public string? Icon { get; set; }

    /// <summary>Words the Modeler's search finds the connector by, beside its name.</summary>
    public string[]? Keywords { get; set; }

    /// <summary>Link to the connector's documentation (an absolute http(s) URL), the <c>documentationRef</c> of its templates.</summary>
    public string? DocumentationUrl { get; set; }
}
