using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Templates;

/// <summary>Whether an element-template property shows for a task, as the Modeler decides: its <c>condition</c>
/// (<c>equals</c>, <c>oneOf</c>, <c>isEmpty</c>, <c>isActive</c>, <c>allMatch</c>) over the values of the properties it names,
/// a property that does not show counting as empty. One rule for every test that applies a template.</summary>
public sealed class TemplateConditions(JsonObject template, Func<JsonObject, string?> valueOf)
{
    private readonly Dictionary<string, JsonObject> _byId = template["properties"]!.AsArray().Select(p => p!.AsObject())
        .Where(p => p["id"] is not null).GroupBy(p => (string)p["id"]!).ToDictionary(g => g.Key, g => g.First());

    /// <summary>Whether <paramref name="property"/> shows.</summary>
    public bool Shows(JsonObject property) => Holds(property["condition"]);

    private bool Holds(JsonNode? condition)
    {
        if (condition is null)
            return true;
        if (condition["allMatch"] is JsonArray all)
            return all.All(Holds);
        var other = _byId.GetValueOrDefault((string)condition["property"]!);
        var shows = other is not null && Holds(other["condition"]);
        var current = shows ? valueOf(other!) : null;
        if (condition["equals"] is { } equals)
            return current == (equals.GetValueKind() == JsonValueKind.String ? (string)equals! : equals.ToJsonString());
        if (condition["oneOf"] is JsonArray oneOf)
            return oneOf.Any(o => o!.ToString() == current);
        if (condition["isEmpty"] is { } isEmpty)
            return string.IsNullOrEmpty(current) == (bool)isEmpty;
        if (condition["isActive"] is { } isActive)
            return shows == (bool)isActive;
        throw new NotSupportedException("condition " + condition.ToJsonString());
    }
}
