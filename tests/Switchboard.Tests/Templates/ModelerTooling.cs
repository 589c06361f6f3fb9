using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>Camunda Modeler's own tooling from npm: the element-template validator
/// (<c>@bpmn-io/element-templates-validator</c>) and the linter (<c>@camunda/linting</c>, bundled for node with
/// esbuild, since it ships for bundlers only), plus what the Modeler exports for a service task a template is applied to.</summary>
public static class ModelerTooling
{
    public const string Validator = "@bpmn-io/element-templates-validator@2.26.0";
    public const string Linting = "@camunda/linting@3.57.0";
    public const string Esbuild = "esbuild@0.28.2";

    /// <summary>The validator's errors per template (empty when valid).</summary>
    public static async Task<Dictionary<string, List<string>>> ValidateAsync(IEnumerable<JsonNode> templates)
    {
        var folder = Folder();
        var files = new Dictionary<string, string>();
        foreach (var template in templates)
        {
            var file = Path.Combine(folder, $"{files.Count}.json");
            await File.WriteAllTextAsync(file, template.ToJsonString());
            files[file] = $"{template["id"]} v{template["version"]}";
        }
        var results = await RunAsync("validate", await NpmPackage.InstallAsync(Validator), files.Keys);
        return results.ToDictionary(r => files[r.Key], r => r.Value);
    }

    /// <summary>The linter's errors per diagram, each linted for the version it declares.</summary>
    public static async Task<Dictionary<string, List<string>>> LintAsync(IReadOnlyDictionary<string, XDocument> diagrams)
    {
        var folder = Folder();
        var files = new Dictionary<string, string>();
        foreach (var (name, diagram) in diagrams)
        {
            var file = Path.Combine(folder, $"{files.Count}.bpmn");
            diagram.Save(file);
            files[file] = name;
        }
        var results = await RunAsync("lint", await LintingBundleAsync(), files.Keys);
        return results.ToDictionary(r => files[r.Key], r => r.Value);
    }

    private static async Task<string> LintingBundleAsync()
    {
        var linting = await NpmPackage.InstallAsync(Linting);
        var bundle = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(linting)!)!)!, "linting.cjs");
        if (File.Exists(bundle))
            return bundle;
        var esbuild = Path.Combine(await NpmPackage.InstallAsync(Esbuild), "bin", "esbuild");
        await RunProcessAsync(esbuild, [Path.Combine(linting, "index.js"), "--bundle", "--platform=node", "--format=cjs", "--log-level=error", "--outfile=" + bundle + ".tmp"]);
        File.Move(bundle + ".tmp", bundle, overwrite: true);
        return bundle;
    }

    private static async Task<Dictionary<string, List<string>>> RunAsync(string mode, string tool, IEnumerable<string> files)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Templates", "modeler-tooling.cjs");
        var output = await RunProcessAsync("node", [script, mode, tool, .. files]);
        return JsonNode.Parse(output)!.AsObject().ToDictionary(r => r.Key, r => r.Value!.AsArray().Select(e => (string)e!).ToList());
    }

    private static async Task<string> RunProcessAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    private static string Folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "switchboard-tests", "modeler-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";
    private static readonly XNamespace Modeler = "http://camunda.org/schema/modeler/1.0";

    /// <summary>What the Modeler exports for the element (service task, start, catch or boundary event, receive task)
    /// <paramref name="template"/> is applied to, required fields filled and everything else left as the template sets
    /// it, in a process for Camunda <paramref name="version"/>: a property whose condition holds writes its value; an
    /// input left empty writes an empty mapping unless it is <c>optional</c>, which writes none; an empty header or
    /// <c>zeebe:property</c> writes nothing; message bindings write the element's <c>bpmn:Message</c> and its subscription.</summary>
    public static XDocument AppliedTo(JsonObject template, string version)
    {
        var properties = template["properties"]!.AsArray().Select(p => p!.AsObject()).ToList();
        string? Value(JsonObject property)
        {
            if (property["value"] is JsonValue value)
                return value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : "=" + value.ToJsonString();
            // A checkbox is a value even unticked: the Modeler writes false.
            if ((string?)property["type"] == "Boolean")
                return "=false";
            if (property["constraints"]?["notEmpty"]?.GetValue<bool>() != true)
                return null;
            // A required field gets what a user would type: the first choice, a number, a text.
            return (string?)property["type"] switch
            {
                "Dropdown" => (string)property["choices"]![0]!["value"]!,
                "Number" => "=1",
                _ => (string?)property["feel"] == "required" ? "=\"x\"" : "x",
            };
        }
        var conditions = new TemplateConditions(template, Value);

        var definition = new XElement(Zeebe + "taskDefinition");
        var io = new XElement(Zeebe + "ioMapping");
        var headers = new XElement(Zeebe + "taskHeaders");
        var zeebeProperties = new XElement(Zeebe + "properties");
        var message = new XElement(Bpmn + "message", new XAttribute("id", "message"));
        var subscription = new XElement(Zeebe + "subscription");
        foreach (var property in properties.Where(conditions.Shows))
        {
            var binding = property["binding"]!;
            var value = Value(property);
            switch ((string)binding["type"]!)
            {
                case "zeebe:property" when !string.IsNullOrEmpty(value):
                    zeebeProperties.Add(new XElement(Zeebe + "property", new XAttribute("name", (string)binding["name"]!), new XAttribute("value", value)));
                    break;
                case "bpmn:Message#property" when !string.IsNullOrEmpty(value):
                    message.SetAttributeValue((string)binding["name"]!, value);
                    break;
                case "bpmn:Message#zeebe:subscription#property" when !string.IsNullOrEmpty(value):
                    subscription.SetAttributeValue((string)binding["name"]!, value);
                    break;
                case "zeebe:taskDefinition" when value is not null:
                    definition.SetAttributeValue((string?)binding["property"] ?? "type", value);
                    break;
                case "zeebe:input" when !string.IsNullOrEmpty(value):
                    io.Add(new XElement(Zeebe + "input", new XAttribute("source", value), new XAttribute("target", (string)binding["name"]!)));
                    break;
                case "zeebe:input" when property["optional"]?.GetValue<bool>() != true:
                    io.Add(new XElement(Zeebe + "input", new XAttribute("target", (string)binding["name"]!)));
                    break;
                case "zeebe:taskHeader" when !string.IsNullOrEmpty(value):
                    headers.Add(new XElement(Zeebe + "header", new XAttribute("key", (string)binding["key"]!), new XAttribute("value", value)));
                    break;
            }
        }
        if (subscription.HasAttributes)
            message.Add(new XElement(Bpmn + "extensionElements", subscription));
        var elementType = (string)template["elementType"]!["value"]!;
        var messageEvent = (string?)template["elementType"]!["eventDefinition"] == "bpmn:MessageEventDefinition";
        var localName = elementType["bpmn:".Length..];
        var templated = new XElement(Bpmn + (char.ToLowerInvariant(localName[0]) + localName[1..]),
            new XAttribute("id", "task"),
            new XAttribute(Zeebe + "modelerTemplate", (string)template["id"]!), new XAttribute(Zeebe + "modelerTemplateVersion", template["version"]!.ToString()),
            new XElement(Bpmn + "extensionElements", definition.HasAttributes ? definition : null, io.HasElements ? io : null,
                headers.HasElements ? headers : null, zeebeProperties.HasElements ? zeebeProperties : null));
        if (elementType == "bpmn:ReceiveTask")
            templated.Add(new XAttribute("messageRef", "message"));
        return InProcess(version, elementType, templated, messageEvent, message.Attribute("name") is null ? null : message);
    }

    // The templated element in the smallest process the linter accepts: a start event (or the templated one), the
    // element, an end event; a boundary event sits on a task of its own.
    private static XDocument InProcess(string version, string elementType, XElement templated, bool messageEvent, XElement? message)
    {
        if (messageEvent && message is not null)
            templated.Add(new XElement(Bpmn + "messageEventDefinition", new XAttribute("id", "definition"), new XAttribute("messageRef", "message")));
        else if (messageEvent)
            templated.Add(new XElement(Bpmn + "messageEventDefinition", new XAttribute("id", "definition")));
        XElement Flow(string id, string from, string to) =>
            new(Bpmn + "sequenceFlow", new XAttribute("id", id), new XAttribute("sourceRef", from), new XAttribute("targetRef", to));
        var elements = new List<XElement>();
        switch (elementType)
        {
            case "bpmn:StartEvent":
                templated.Add(new XElement(Bpmn + "outgoing", "out"));
                elements.AddRange([templated, new XElement(Bpmn + "endEvent", new XAttribute("id", "end"), new XElement(Bpmn + "incoming", "out")),
                    Flow("out", "task", "end")]);
                break;
            case "bpmn:BoundaryEvent":
                templated.Add(new XAttribute("attachedToRef", "host"), new XElement(Bpmn + "outgoing", "out"));
                elements.AddRange([
                    new XElement(Bpmn + "startEvent", new XAttribute("id", "start"), new XElement(Bpmn + "outgoing", "in")),
                    new XElement(Bpmn + "manualTask", new XAttribute("id", "host"), new XElement(Bpmn + "incoming", "in"), new XElement(Bpmn + "outgoing", "after")),
                    new XElement(Bpmn + "endEvent", new XAttribute("id", "end"), new XElement(Bpmn + "incoming", "after")),
                    templated,
                    new XElement(Bpmn + "endEvent", new XAttribute("id", "end2"), new XElement(Bpmn + "incoming", "out")),
                    Flow("in", "start", "host"), Flow("after", "host", "end"), Flow("out", "task", "end2")]);
                break;
            default:
                templated.Add(new XElement(Bpmn + "incoming", "in"), new XElement(Bpmn + "outgoing", "out"));
                elements.AddRange([
                    new XElement(Bpmn + "startEvent", new XAttribute("id", "start"), new XElement(Bpmn + "outgoing", "in")),
                    templated,
                    new XElement(Bpmn + "endEvent", new XAttribute("id", "end"), new XElement(Bpmn + "incoming", "out")),
                    Flow("in", "start", "task"), Flow("out", "task", "end")]);
                break;
        }
        return new XDocument(new XElement(Bpmn + "definitions",
            new XAttribute(XNamespace.Xmlns + "bpmn", Bpmn), new XAttribute(XNamespace.Xmlns + "zeebe", Zeebe), new XAttribute(XNamespace.Xmlns + "modeler", Modeler),
            new XAttribute("id", "definitions"), new XAttribute("targetNamespace", "http://bpmn.io/schema/bpmn"),
            new XAttribute(Modeler + "executionPlatform", "Camunda Cloud"), new XAttribute(Modeler + "executionPlatformVersion", version + ".0"),
            new XElement(Bpmn + "process", new XAttribute("id", "process"), new XAttribute("isExecutable", "true"), elements),
            message));
    }

    /// <summary>The Camunda 8 minor versions a template's <c>engines.camunda</c> range (<c>^8.N</c>) claims, up to 8.8.</summary>
    public static IEnumerable<string> ClaimedVersions(JsonObject template)
    {
        var range = (string)template["engines"]!["camunda"]!;
        range.Should().MatchRegex(@"^\^8\.\d+$", "our templates claim a caret range of Camunda 8");
        var lowest = int.Parse(range[3..]);
        return Enumerable.Range(lowest, Math.Max(1, 9 - lowest)).Select(minor => $"8.{minor}");
    }
}
