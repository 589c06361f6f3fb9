using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Templates;

/// <summary>Builds the Camunda element template of one connector from its metadata (shape: docs/element-templates.md).</summary>
/// <remarks>
/// One template per connector; a connector with several operations gets an <c>operation</c> dropdown bound to the
/// task header the Zeebe worker reads, and each operation's inputs show only while it is chosen.
/// </remarks>
internal static class ElementTemplateBuilder
{
    /// <summary>The schema Modeler uses to tell a Camunda 8 template from a Camunda 7 one.</summary>
    public const string Schema = "https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json";

    private static readonly string[] FixedIds = ["operation", "resultVariable", "resultExpression", "errorExpression", "retryCount", "retryBackoff", "jobTimeout"];

    /// <summary>The template of <paramref name="connector"/>, as <paramref name="version"/> (see <see cref="ElementTemplateVersion"/>).</summary>
    public static JsonObject Build(ConnectorMetadata connector, int version)
    {
        var template = new JsonObject
        {
            ["$schema"] = Schema,
            ["name"] = connector.Name,
            ["id"] = ElementTemplateIds.TemplateId(connector.Type),
            ["version"] = version,
        };
        if (!string.IsNullOrWhiteSpace(connector.Description))
            template["description"] = connector.Description;
        AddDocumentation(template, connector.DocumentationUrl);
        AddIconAndKeywords(template, connector.Icon, connector.Keywords);
        template["category"] = new JsonObject { ["id"] = "connectors", ["name"] = "Connectors" };
        template["appliesTo"] = new JsonArray("bpmn:Task");
        template["elementType"] = new JsonObject { ["value"] = "bpmn:ServiceTask" };
        template["groups"] = Groups(connector.HasOperations);
        var properties = Properties(connector).ToList();
        template["engines"] = new JsonObject { ["camunda"] = Engines(properties) };
        template["properties"] = new JsonArray(properties.Select(p => (JsonNode?)p).ToArray());
        return template;
    }

    /// <summary>Puts a connector's documentation link on one of its templates, outbound or inbound: only an absolute
    /// http(s) URL, which the Modeler opens.</summary>
    internal static void AddDocumentation(JsonObject template, string? url)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var docs) && docs.Scheme is "http" or "https")
            template["documentationRef"] = docs.ToString();
    }

    /// <summary>Puts a connector's icon and keywords on one of its templates, outbound or inbound.</summary>
    internal static void AddIconAndKeywords(JsonObject template, string? icon, IReadOnlyList<string> keywords)
    {
        if (icon is not null)
            template["icon"] = new JsonObject { ["contents"] = icon };
        if (keywords.Count > 0)
            template["keywords"] = new JsonArray(keywords.Select(k => (JsonNode?)k).ToArray());
    }

    /// <summary>The Camunda versions whose semantics the template relies on. Optional text inputs are marked
    /// <c>optional</c>, so left empty they export no mapping, which engines before 8.8 need (an empty mapping fails
    /// there); a field the Modeler cannot mark so (a number or a choice with no default, not required) exports an empty
    /// mapping when left empty, which only 8.8 and later read as null.</summary>
    private static string Engines(IEnumerable<JsonObject> properties) =>
        properties.Any(p => p["binding"]?["type"]?.GetValue<string>() == "zeebe:input" && p["value"] is null && p["optional"] is null && p["constraints"] is null
                            && p["type"]?.GetValue<string>() is "Number" or "Dropdown")
            ? "^8.8"
            : "^8.0";

    private static JsonArray Groups(bool withOperation)
    {
        var groups = new JsonArray();
        if (withOperation)
            groups.Add(Group("operation", "Operation"));
        groups.Add(Group("input", "Input"));
        groups.Add(Group("output", "Output mapping"));
        groups.Add(Group("error", "Error handling"));
        groups.Add(Group("retries", "Retries"));
        return groups;
    }

    private static JsonObject Group(string id, string label) => new() { ["id"] = id, ["label"] = label };

    private static IEnumerable<JsonObject> Properties(ConnectorMetadata connector)
    {
        yield return new JsonObject
        {
            ["type"] = "Hidden",
            ["value"] = connector.Type,
            ["binding"] = new JsonObject { ["type"] = "zeebe:taskDefinition", ["property"] = "type" },
        };

        var reserved = new HashSet<string>(FixedIds, StringComparer.Ordinal);
        if (!connector.HasOperations)
        {
            foreach (var input in ElementTemplateInputs.For(connector.Operations[0], reserved))
                yield return input;
        }
        else
        {
            yield return OperationDropdown(connector);
            foreach (var input in SharedInputs(connector, reserved))
                yield return input;
        }

        yield return Header("resultVariable", "Result variable", "output", "String", "Name of the process variable that receives the connector's whole output.");
        yield return Header("resultExpression", "Result expression", "output", "Text", "FEEL expression mapping the output into process variables, e.g. = {total: result}.", feel: true);
        yield return Header("errorExpression", "Error expression", "error", "Text", "FEEL expression turning an output or error into a BPMN error, a job error or nothing.", feel: true);
        yield return Preset("retryCount", "Retries", "How often Zeebe retries the job when the connector fails.", "3",
            new JsonObject { ["type"] = "zeebe:taskDefinition", ["property"] = "retries" });
        yield return Preset("retryBackoff", "Retry backoff", "ISO-8601 duration to wait before a retry, e.g. PT30S.", "PT0S",
            new JsonObject { ["type"] = "zeebe:taskHeader", ["key"] = "retryBackoff" });
        var jobTimeout = Header("jobTimeout", "Job timeout", "retries", "String",
            "ISO-8601 duration the job may run before Zeebe hands it out again, e.g. PT10M; the worker extends the job to it before the call starts.");
        jobTimeout.Remove("feel");
        yield return jobTimeout;
    }

    /// <summary>The inputs of every operation, each field that several operations declare alike written once, shown
    /// for all of them (as Camunda's REST template has one URL field for every method), the others once per operation.</summary>
    private static IEnumerable<JsonObject> SharedInputs(ConnectorMetadata connector, ISet<string> reserved)
    {
        // Alike: the same property (its id follows from its binding, which is part of it).
        var fields = new List<(JsonObject Property, List<string> Operations)>();
        var byShape = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var operation in connector.Operations)
        {
            foreach (var input in ElementTemplateInputs.For(operation, reserved))
            {
                var key = input.ToJsonString();
                if (byShape.TryGetValue(key, out var index))
                    fields[index].Operations.Add(operation.Id);
                else
                {
                    byShape[key] = fields.Count;
                    fields.Add((input, [operation.Id]));
                }
            }
        }
        // A field of one operation is named after it; a shared one after its binding when that name is free, else
        // after the first operation that has it.
        static string OwnId(JsonObject property, string operation) => operation + "." + (string)property["binding"]!["name"]!;
        var ids = new HashSet<string>(reserved, StringComparer.Ordinal);
        ids.UnionWith(fields.Where(f => f.Operations.Count == 1).Select(f => OwnId(f.Property, f.Operations[0])));
        foreach (var (property, operations) in fields)
        {
            var name = (string)property["binding"]!["name"]!;
            property["id"] = operations.Count > 1 && ids.Add(name) ? name : OwnId(property, operations[0]);
            if (operations.Count == 1)
                property["condition"] = new JsonObject { ["property"] = "operation", ["equals"] = operations[0] };
            else if (operations.Count < connector.Operations.Count)
                property["condition"] = new JsonObject { ["property"] = "operation", ["oneOf"] = new JsonArray(operations.Select(o => (JsonNode?)o).ToArray()) };
            yield return property;
        }
    }

    private static JsonObject Preset(string id, string label, string description, string value, JsonObject binding) => new()
    {
        ["id"] = id,
        ["label"] = label,
        ["description"] = description,
        ["group"] = "retries",
        ["type"] = "String",
        ["value"] = value,
        ["binding"] = binding,
    };

    private static JsonObject OperationDropdown(ConnectorMetadata connector) => new()
    {
        ["id"] = "operation",
        ["label"] = "Operation",
        ["group"] = "operation",
        ["type"] = "Dropdown",
        ["value"] = connector.Operations[0].Id,
        ["choices"] = new JsonArray(connector.Operations
            .Select(o => (JsonNode?)new JsonObject { ["name"] = o.Name, ["value"] = o.Id }).ToArray()),
        ["binding"] = new JsonObject { ["type"] = "zeebe:taskHeader", ["key"] = "operation" },
        ["constraints"] = new JsonObject { ["notEmpty"] = true },
    };

    private static JsonObject Header(string key, string label, string group, string type, string description, bool feel = false)
    {
        var header = new JsonObject
        {
            ["id"] = key,
            ["label"] = label,
            ["description"] = description,
            ["group"] = group,
            ["type"] = type,
        };
        if (feel)
            header["feel"] = "required";
        // Left empty, the header is not written, so the worker sees no header rather than an empty one.
        header["optional"] = true;
        header["binding"] = new JsonObject { ["type"] = "zeebe:taskHeader", ["key"] = key };
        return header;
    }
}
