namespace Switchboard.Abstractions.Inbound;

/// <summary>An inbound connector served over HTTP: every request to an activation's path
/// (<c>/inbound/{inbound.context}</c>) is one event, which the connector verifies before the host correlates it.</summary>
/// <typeparam name="TProperties">The activation's properties (the element's <c>zeebe:properties</c>, e.g.
/// <c>inbound.method</c>), bound and validated like an outbound connector's input: name them with
/// <see cref="ParameterAttribute"/>.</typeparam>
/// <remarks>The host does the rest as Camunda's runtime does: the activation condition, the correlation key and
/// message id, the result variable and expression, publishing the message or creating the process instance, and
/// the HTTP answer for each outcome. FEEL expressions see the request as <c>request</c> (<c>body</c>, <c>headers</c>,
/// <c>params</c>).</remarks>
public interface IWebhookConnector<TProperties> where TProperties : class
{
    /// <summary>Checks one request (method, signature, credentials) and says whether to correlate it, refuse it, or
    /// answer it directly (a verification challenge).</summary>
    Task<WebhookResult> HandleAsync(TProperties properties, WebhookRequest request, IInboundContext context);
}
