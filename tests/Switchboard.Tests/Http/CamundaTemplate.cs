using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Feel;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>One of Camunda's own element templates, from the npm package <c>@camunda/connectors-element-templates</c>,
/// applied to a service task in the Modeler itself (<see cref="Templates.ModelerInBrowser"/>) with the fields a test
/// sets; the exported task then becomes a job as Zeebe makes one: an input's source starting with <c>=</c> is FEEL,
/// evaluated as Zeebe evaluates input mappings, and lands at its (dotted) target in the job's variables; headers stay text.</summary>
public sealed class CamundaTemplate : IAsyncDisposable
{
    public const string Package = "@camunda/connectors-element-templates@1.0.29";

    private static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";

    private readonly JsonObject _template;
    private readonly Templates.ModelerInBrowser _modeler;

    private CamundaTemplate(JsonObject template, Templates.ModelerInBrowser modeler) => (_template, _modeler) = (template, modeler);

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
        return new CamundaTemplate(newest ?? throw new InvalidOperationException($"{file} has no template {id}"), await Templates.ModelerInBrowser.StartAsync());
    }

    /// <summary>Every template in <paramref name="file"/> whose tasks make jobs of <paramref name="jobType"/>: each
    /// version a process may have been modeled with.</summary>
    public static async Task<IReadOnlyList<JsonObject>> AllAsync(string file, string jobType)
    {
        var folder = await NpmPackage.InstallAsync(Package);
        var templates = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "src", "element-templates", file)))!.AsArray();
        return templates.Select(t => t!.AsObject())
            .Where(t => t["properties"]!.AsArray().Any(p => (string?)p!["binding"]!["type"] == "zeebe:taskDefinition:type"
                || ((string?)p!["binding"]!["type"] == "zeebe:taskDefinition" && ((string?)p["binding"]!["property"] ?? "type") == "type")
                    && (string?)p["value"] == jobType))
            .ToList();
    }

    /// <summary>The job type, the variables the inputs make and the task headers, for a task whose fields (by
    /// property id) are set to <paramref name="values"/> in the Modeler, in a diagram for Camunda 8.8.</summary>
    public Task<(string Type, JsonObject Variables, Dictionary<string, string> Headers)> ApplyAsync(IReadOnlyDictionary<string, string> values) =>
        ApplyAsync(_template, values, null);

    /// <summary>The same for any <paramref name="template"/>, fields set by id (<paramref name="values"/>) or by their
    /// binding's name or key (<paramref name="bound"/>).</summary>
    public async Task<(string Type, JsonObject Variables, Dictionary<string, string> Headers)> ApplyAsync(JsonObject template,
        IReadOnlyDictionary<string, string>? values, IReadOnlyDictionary<string, string>? bound, bool fillRequired = false)
    {
        var diagram = await _modeler.ApplyAsync(template, "8.8", values, bound: bound, fillRequired: fillRequired);
        var task = diagram.Descendants().Single(e => (string?)e.Attribute("id") == "task");
        var type = (string)task.Descendants(Zeebe + "taskDefinition").Single().Attribute("type")!;
        var variables = new JsonObject();
        foreach (var input in task.Descendants(Zeebe + "input"))
        {
            var source = (string?)input.Attribute("source");
            Set(variables, (string)input.Attribute("target")!, source is null ? null
                : source.StartsWith('=') ? FeelEngine.Default.Evaluate(source[1..], new JsonObject()).Value : JsonValue.Create(source));
        }
        var headers = task.Descendants(Zeebe + "header").ToDictionary(h => (string)h.Attribute("key")!, h => (string)h.Attribute("value")!);
        return (type, variables, headers);
    }

    public ValueTask DisposeAsync() => _modeler.DisposeAsync();

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
