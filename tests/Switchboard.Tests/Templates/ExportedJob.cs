using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Feel;

namespace Switchboard.Tests.Templates;

/// <summary>The job Zeebe makes of a task the Modeler exported: its type, the variables its input mappings give (a
/// source starting with <c>=</c> is FEEL, evaluated as Zeebe evaluates input mappings, with no variables in scope; a
/// dotted target builds nested objects; no source gives null) and its task headers as text. The cluster's variables, when
/// given, are in scope as Zeebe puts them, under <c>camunda.vars.env</c>.</summary>
public sealed record ExportedJob(string Type, JsonObject Variables, Dictionary<string, string> Headers)
{
    private static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";

    /// <summary>The job of element <paramref name="elementId"/> in <paramref name="diagram"/>.</summary>
    public static ExportedJob Of(XDocument diagram, string elementId = "task", JsonObject? clusterVariables = null)
    {
        var scope = clusterVariables is null ? new JsonObject()
            : new JsonObject { ["camunda"] = new JsonObject { ["vars"] = new JsonObject { ["env"] = clusterVariables.DeepClone() } } };
        var task = diagram.Descendants().Single(e => (string?)e.Attribute("id") == elementId);
        var type = (string)task.Descendants(Zeebe + "taskDefinition").Single().Attribute("type")!;
        var variables = new JsonObject();
        foreach (var input in task.Descendants(Zeebe + "input"))
        {
            var source = (string?)input.Attribute("source");
            Set(variables, (string)input.Attribute("target")!, source is null ? null
                : source.StartsWith('=') ? FeelEngine.Default.Evaluate(source[1..], scope).Value : JsonValue.Create(source));
        }
        var headers = task.Descendants(Zeebe + "header").ToDictionary(h => (string)h.Attribute("key")!, h => (string)h.Attribute("value")!);
        return new ExportedJob(type, variables, headers);
    }

    private static void Set(JsonObject variables, string target, JsonNode? value)
    {
        var parts = target.Split('.');
        var current = variables;
        foreach (var part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
                current[part] = next = new JsonObject();
            current = next;
        }
        current[parts[^1]] = value;
    }
}
