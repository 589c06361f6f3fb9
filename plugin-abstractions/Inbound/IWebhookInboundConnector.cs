namespace Switchboard.Abstractions.Inbound;

/// <summary>An inbound connector called for each HTTP request on its webhook route.</summary>
public interface IWebhookInboundConnector
{
    /// <summary>Turns a request into an event; null, or a thrown <see cref="ConnectorInputException"/>, rejects it.</summary>
    Task<InboundEvent?> HandleAsync(WebhookRequest request, IConnectorContext context);
}
