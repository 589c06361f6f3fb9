using System.Text.Json.Nodes;

namespace Switchboard.Tests.Templates;

/// <summary>Reads properties out of an element template.</summary>
public static class TemplateJson
{
    /// <summary>The property with <paramref name="id"/>; fails unless exactly one has it.</summary>
    public static JsonObject Property(JsonNode template, string id) =>
        template["properties"]!.AsArray().Single(p => (string?)p!["id"] == id)!.AsObject();
}
