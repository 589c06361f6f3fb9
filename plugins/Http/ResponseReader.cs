using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Plugins.Http;

/// <summary>The response body as the SpiffWorkflow proxy returns it: JSON parsed, anything else as <c>raw_response</c> text.</summary>
internal static class ResponseReader
{
    public static async Task<JsonNode> BodyAsync(HttpContent content, string? mediaType, CancellationToken cancellation)
    {
        var text = await content.ReadAsStringAsync(cancellation);
        if (IsJson(mediaType) && text.Length > 0)
        {
            try
            {
                return JsonNode.Parse(text) ?? new JsonObject { ["raw_response"] = text };
            }
            catch (JsonException)
            {
                // A server that says JSON but sends something else: hand over what it sent.
            }
        }
        return new JsonObject { ["raw_response"] = text };
    }

    public static IReadOnlyDictionary<string, string> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);

    private static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                                  || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
