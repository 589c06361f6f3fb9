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
/// JSON without a repeated name, nearly all of it, stays one parsed document that nodes read lazily, as
/// <c>JsonNode.Parse</c> gives it: a node for every value of a 16 MiB answer would take many times its size. Only an
/// answer that does repeat a name is built node by node.
/// </remarks>
internal static class JsonAnswer
{
    /// <summary>The JSON in <paramref name="text"/>; <see cref="JsonException"/> when it is not JSON, or nested deeper
    /// than <see cref="ResponseReader.Parsing"/> (or this thread's stack) allows.</summary>
    public static JsonNode? Parse(string text) => Read(JsonDocument.Parse(text, ResponseReader.Parsing).RootElement);

    /// <summary>The JSON in the UTF-8 <paramref name="utf8"/>; as <see cref="Parse(string)"/>.</summary>
    public static JsonNode? Parse(ReadOnlyMemory<byte> utf8) => Read(JsonDocument.Parse(utf8, ResponseReader.Parsing).RootElement);

    // The document is not disposed: the nodes read their values from it (a number keeps its text as the upstream wrote
    // it), and its buffer goes with them to the collector instead of back to the pool.
    private static JsonNode? Read(JsonElement root) => NamesAMemberTwice(root) ? Built(root) : Lazy(root);

    private static JsonNode? Lazy(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        JsonValueKind.Null => null,
        _ => JsonValue.Create(element),
    };

    private static bool NamesAMemberTwice(JsonElement element)
    {
        EnsureStack();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // A set of its own for each object: one set cleared for each would cost its largest size every time.
                string? first = null;
                HashSet<string>? names = null;
                foreach (var member in element.EnumerateObject())
                {
                    if (first is null)
                        first = member.Name;
                    else if (!(names ??= new HashSet<string>(StringComparer.Ordinal) { first }).Add(member.Name))
                        return true;
                    if (NamesAMemberTwice(member.Value))
                        return true;
                }
                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (NamesAMemberTwice(item))
                        return true;
                }
                return false;
            default:
                return false;
        }
    }

    // Every node built, each object's members set in order, so a later one replaces an earlier one of its name.
    private static JsonNode? Built(JsonElement element)
    {
        EnsureStack();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new JsonObject();
                foreach (var member in element.EnumerateObject())
                    members[member.Name] = Built(member.Value);
                return members;
            case JsonValueKind.Array:
                var items = new JsonArray();
                foreach (var item in element.EnumerateArray())
                    items.Add(Built(item));
                return items;
            default:
                return Lazy(element);
        }
    }

    private static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new JsonException("the JSON is nested deeper than this thread's stack allows");
    }
}
