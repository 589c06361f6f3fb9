namespace Switchboard.Abstractions.Inbound;

/// <summary>Marks a class as an inbound connector: one that turns outside events into process messages.</summary>
/// <remarks>The class implements <see cref="IPollingInboundConnector"/> or <see cref="IWebhookInboundConnector"/>.</remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class InboundConnectorAttribute : Attribute
{
    /// <summary>Declares an inbound connector with its stable type string.</summary>
    public InboundConnectorAttribute(string type) => Type = type;

    /// <summary>Stable type string, e.g. <c>io.switchboard:webhook:1</c>.</summary>
    public string Type { get; }

    /// <summary>Display name.</summary>
    public string? Name { get; set; }

    /// <summary>One-sentence description.</summary>
    public string? Description { get; set; }

    /// <summary>Version of the connector's contract.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Seconds between two polls of a polling connector.</summary>
    public int CycleSeconds { get; set; } = 60;
}
