using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Core.Binding;

/// <summary>Nodes over a parsed element, read lazily as the parser's own nodes are: one rule for a request's parts, a
/// copy bound into a JSON field and an output read back.</summary>
internal static class ElementNode
{
    /// <summary>The node over <paramref name="element"/>: an object, an array or a single value; null for JSON null.</summary>
    public static JsonNode? Over(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        JsonValueKind.Null => null,
        _ => JsonValue.Create(element),
    };
}
