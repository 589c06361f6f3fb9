using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>The request as FEEL sees it in Camunda's webhook expressions: <c>body</c> (JSON when it is JSON, else
/// text), <c>headers</c> (lower-case names) and <c>params</c> (the query).</summary>
internal static class RequestScope
{
    public static JsonObject Of(WebhookRequest request)
    {
        JsonNode? body = null;
        if (!request.Body.IsEmpty)
        {
            try
            {
                body = JsonNode.Parse(request.Body.Span);
            }
            catch (JsonException)
            {
                body = JsonValue.Create(Encoding.UTF8.GetString(request.Body.Span));
            }
        }
        return new JsonObject
        {
            ["body"] = body,
            ["headers"] = new JsonObject(request.Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value))),
            ["params"] = new JsonObject(request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value))),
        };
    }
}
