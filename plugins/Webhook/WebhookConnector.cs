using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>Camunda's webhook connector (<c>io.camunda:webhook:1</c>): accepts requests on its path, refusing a wrong
/// method (405), a missing or wrong HMAC signature (401), wrong credentials (401: basic, API key, or a JWT checked
/// against a JWKS) or a JWT without the required permissions (403); the host correlates what it accepts. An element
/// modeled wrong (HMAC scopes nobody signs, required permissions that are not a list of texts) is answered 500.</summary>
[InboundConnector("io.camunda:webhook:1", Name = "Webhook", Description = "Starts a process or correlates a message when an HTTP request arrives.",
    Icon = "webhook.svg", Keywords = ["webhook", "HTTP endpoint", "inbound", "trigger", "callback"],
    // It serves Camunda's webhook job type with Camunda's properties: Camunda's page documents them.
    DocumentationUrl = "https://docs.camunda.io/docs/components/connectors/protocol/http-webhook/")]
public sealed class WebhookConnector : IWebhookConnector<WebhookProperties>
{
    public async Task<WebhookResult> HandleAsync(WebhookProperties properties, WebhookRequest request, IInboundContext context)
    {
        if (properties.Method != "any" && !string.Equals(properties.Method, request.Method, StringComparison.OrdinalIgnoreCase))
            return WebhookResult.Reject(405, $"this webhook accepts {properties.Method.ToUpperInvariant()} only, not {request.Method}");
        if (properties.ShouldValidateHmac == "enabled")
        {
            var (content, misconfigured) = SignedContent.For(HmacScopes.Read(properties.HmacScopes, context.Get<IExpressionEvaluator>()), request.Method);
            // The element is modeled wrong, not the request: the sender is told so, not refused as unauthenticated.
            if (content is null)
                return WebhookResult.Respond(500, new { message = misconfigured });
            if (Signature.Check(properties, request, content) is { } problem)
                return WebhookResult.Reject(401, problem);
        }
        if (properties.AuthType == "JWT")
        {
            if (await JwtCredentials.CheckAsync(properties, request, context) is not { } jwt)
                return WebhookResult.Accept();
            // A 500 says the element is modeled wrong, as for the HMAC scopes above.
            return jwt.Status >= 500 ? WebhookResult.Respond(jwt.Status, new { message = jwt.Message }) : WebhookResult.Reject(jwt.Status, jwt.Message);
        }
        if (Credentials.Check(properties, request, context) is { } refused)
            return WebhookResult.Reject(401, refused);
        return WebhookResult.Accept();
    }
}
