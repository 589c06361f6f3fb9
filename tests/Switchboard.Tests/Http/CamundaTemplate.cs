using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>One of Camunda's own element templates, from the npm package <c>@camunda/connectors-element-templates</c>,
/// applied to a service task in the Modeler itself (<see cref="Templates.ModelerInBrowser"/>) with the fields a test
/// sets; the exported task then becomes a job as Zeebe makes one (<see cref="Templates.ExportedJob"/>).</summary>
public sealed class CamundaTemplate : IAsyncDisposable
{
    public const string Package = "@camunda/connectors-element-templates@1.0.29";


    private readonly JsonObject _template;
    private readonly Templates.ModelerInBrowser _modeler;

    private CamundaTemplate(JsonObject template, Templates.ModelerInBrowser modeler) => (_template, _modeler) = (template, modeler);

    public string Id => _template["id"]!.GetValue<string>();

    public int Version => _template["version"]!.GetValue<int>();

    /// <summary>The newest version of template <paramref name="id"/> in <paramref name="file"/> (a file of the package's <c>src/element-templates/</c>).</summary>
    public static async Task<CamundaTemplate> LoadAsync(string file, string id) =>
        new(await NewestAsync(file, id), await Templates.ModelerInBrowser.StartAsync());

    /// <summary>Every template in <paramref name="file"/> (one template or an array of its versions).</summary>
    public static async Task<IReadOnlyList<JsonObject>> FileAsync(string file)
    {
        var folder = await NpmPackage.InstallAsync(Package);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "src", "element-templates", file)))!;
        return node is JsonArray array ? [.. array.Select(t => t!.AsObject())] : [node.AsObject()];
    }

    /// <summary>The newest version in <paramref name="file"/> of template <paramref name="id"/> (any id when null).</summary>
    public static async Task<JsonObject> NewestAsync(string file, string? id = null) =>
        (await FileAsync(file)).Where(t => id is null || (string?)t["id"] == id).MaxBy(t => (int?)t["version"] ?? 0)
        ?? throw new InvalidOperationException($"{file} has no template {id}");

    /// <summary>Every template in <paramref name="file"/> whose tasks make jobs of <paramref name="jobType"/>: each
    /// version a process may have been modeled with.</summary>
    public static async Task<IReadOnlyList<JsonObject>> AllAsync(string file, string jobType)
    {
        var templates = await FileAsync(file);
        return templates
            .Where(t => t["properties"]!.AsArray().Any(p => (string?)p!["binding"]!["type"] == "zeebe:taskDefinition:type"
                || ((string?)p!["binding"]!["type"] == "zeebe:taskDefinition" && ((string?)p["binding"]!["property"] ?? "type") == "type")
                    && (string?)p["value"] == jobType))
            .ToList();
    }

    /// <summary>The job type, the variables the inputs make and the task headers, for a task whose fields (by
    /// property id) are set to <paramref name="values"/> in the Modeler, in a diagram for Camunda 8.8.</summary>
    public Task<Templates.ExportedJob> ApplyAsync(IReadOnlyDictionary<string, string> values) =>
        ApplyAsync(_template, values, null);

    /// <summary>The same, with the cluster's variables (<c>camunda.vars.env</c>) in scope when the inputs are evaluated.</summary>
    public async Task<Templates.ExportedJob> ApplyAsync(IReadOnlyDictionary<string, string> values, JsonObject clusterVariables) =>
        Templates.ExportedJob.Of(await _modeler.ApplyAsync(_template, "8.8", values), clusterVariables: clusterVariables);

    /// <summary>The same for any <paramref name="template"/>, fields set by id (<paramref name="values"/>) or by their
    /// binding's name or key (<paramref name="bound"/>).</summary>
    public async Task<Templates.ExportedJob> ApplyAsync(JsonObject template,
        IReadOnlyDictionary<string, string>? values, IReadOnlyDictionary<string, string>? bound, bool fillRequired = false) =>
        Templates.ExportedJob.Of(await _modeler.ApplyAsync(template, "8.8", values, bound: bound, fillRequired: fillRequired));

    public ValueTask DisposeAsync() => _modeler.DisposeAsync();
}
