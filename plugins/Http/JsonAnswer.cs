using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Plugins.Http;

/// <summary>An upstream's JSON read as Camunda's connectors read it (Jackson's tree): a member named twice in one object
/// keeps its last value, in the place of its first.</summary>
/// <remarks>
/// <c>JsonNode.Parse</c> keeps both members: it wrote both back out (into the call's answer and a job's variables), and
/// threw <see cref="ArgumentException"/> as soon as the object was read by name, so a token endpoint answering
/// <c>access_token</c> twice failed the call as the connector's own error, its exception's text for a message.
/// </remarks>
internal static class JsonAnswer
{
    /// <summary>The JSON in <paramref name="text"/>; <see cref="JsonException"/> when it is not JSON, or nested deeper
    /// than <see cref="ResponseReader.Parsing"/> (or this thread's stack) allows.</summary>
    public static JsonNode? Parse(string text) => Node(JsonDocument.Parse(text, ResponseReader.Parsing).RootElement);

    /// <summary>The JSON in the UTF-8 <paramref name="utf8"/>; as <see cref="Parse(string)"/>.</summary>
    public static JsonNode? Parse(ReadOnlyMemory<byte> utf8) => Node(JsonDocument.Parse(utf8, ResponseReader.Parsing).RootElement);

    // The document is not disposed: its values are the nodes' own (a number keeps its text as the upstream wrote it),
    // and its buffer goes with them to the collector instead of back to the pool.
    private static JsonNode? Node(JsonElement element)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new JsonException("the JSON is nested deeper than this thread's stack allows");
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new JsonObject();
                foreach (var member in element.EnumerateObject())
                    members[member.Name] = Node(member.Value);
                return members;
            case JsonValueKind.Array:
                var items = new JsonArray();
                foreach (var item in element.EnumerateArray())
                    items.Add(Node(item));
                return items;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element);
        }
    }
}
