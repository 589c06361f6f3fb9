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
                ReadThrough(body);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
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

    // A key twice in one object is found here, so such a body is text: JsonNode otherwise finds it only when the object's
    // members are first read, inside the FEEL that checks the request's API key, which failed as the connector's error
    // (500, a stack in the log) for any sender, with or without the key. (The parser's depth limit bounds the recursion.)
    private static void ReadThrough(JsonNode? node)
    {
        if (node is JsonObject members)
        {
            foreach (var (_, value) in members)
                ReadThrough(value);
        }
        else if (node is JsonArray items)
        {
            foreach (var item in items)
                ReadThrough(item);
        }
    }
}
