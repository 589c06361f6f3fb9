using System.Text.Json.Nodes;
using Switchboard.Feel;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>One of Camunda's own element templates, from the npm package <c>@camunda/connectors-element-templates</c>,
/// applied to a service task as the Modeler does: each bound property whose condition holds writes its value (the
/// default unless the test sets one; nothing when empty); an input's value starting with <c>=</c> is FEEL, evaluated
/// as Zeebe evaluates input mappings, and lands at its (dotted) target in the job's variables; headers stay text.</summary>
public sealed class CamundaTemplate
{
    public const string Package = "@camunda/connectors-element-templates@1.0.29";

    private readonly JsonObject _template;

    private CamundaTemplate(JsonObject template) => _template = template;

    public string Id => _template["id"]!.GetValue<string>();

    public int Version => _template["version"]!.GetValue<int>();

    /// <summary>The newest version of template <paramref name="id"/> in <paramref name="file"/> (a file of the package's <c>src/element-templates/</c>).</summary>
    public static async Task<CamundaTemplate> LoadAsync(string file, string id)
    {
        var folder = await NpmPackage.InstallAsync(Package);
        var templates = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "src", "element-templates", file)))!.AsArray();
        var newest = templates.Select(t => t!.AsObject())
            .Where(t => t["id"]?.GetValue<string>() == id && t["version"] is not null)
            .MaxBy(t => t["version"]!.GetValue<int>());
        return new CamundaTemplate(newest ?? throw new InvalidOperationException($"{file} has no template {id}"));
    }

    /// <summary>The job type, the variables the inputs make and the task headers, for a task whose properties (by
    /// property id) are set to <paramref name="values"/>.</summary>
    public (string Type, JsonObject Variables, Dictionary<string, string> Headers) Apply(IReadOnlyDictionary<string, string> values)
    {
        var properties = _template["properties"]!.AsArray().Select(p => p!.AsObject()).ToList();
        string? Value(JsonObject property) => property["id"]?.GetValue<string>() is { } id && values.TryGetValue(id, out var set)
            ? set
            : property["value"] is { } value ? (value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()) : null;
        var conditions = new Templates.TemplateConditions(_template, Value);

        var type = "";
        var variables = new JsonObject();
        var headers = new Dictionary<string, string>();
        foreach (var property in properties)
        {
            if (!conditions.Shows(property) || Value(property) is not { Length: > 0 } value)
                continue;
            var binding = property["binding"]!;
            switch (binding["type"]!.GetValue<string>())
            {
                case "zeebe:taskDefinition" or "zeebe:taskDefinition:type" when (binding["property"]?.GetValue<string>() ?? "type") == "type":
                    type = value;
                    break;
                case "zeebe:input":
                    Set(variables, binding["name"]!.GetValue<string>(), value.StartsWith('=') ? FeelEngine.Default.Evaluate(value[1..], new JsonObject()).Value : JsonValue.Create(value));
                    break;
                case "zeebe:taskHeader":
                    headers[binding["key"]!.GetValue<string>()] = value;
                    break;
            }
        }
        return (type, variables, headers);
    }

    // Zeebe's input mapping: a dotted target builds nested objects.
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
