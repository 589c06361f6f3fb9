using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Templates;

/// <summary>Builds the element templates of one inbound connector from its metadata: one per kind of inbound element
/// (plain start event, message start event, intermediate catch event, boundary event, receive task), with the
/// bindings Camunda's own inbound templates use, so what Modeler writes is what the inbound adapter reads.</summary>
/// <remarks>The connector's properties and the correlation settings are <c>zeebe:property</c> entries (BPMN keeps
/// them as text); the message name is the element's <c>bpmn:Message</c> name, and the process side of the
/// correlation key its <c>zeebe:subscription</c>, as in Camunda's templates.</remarks>
internal static class InboundElementTemplateBuilder
{
    private sealed record ElementKind(string Suffix, string Label, string[] AppliesTo, string Element, bool Message, bool KeyRequired);

    private static readonly ElementKind[] Kinds =
    [
        new("start-event", "start event", ["bpmn:StartEvent"], "bpmn:StartEvent", Message: false, KeyRequired: false),
        new("message-start", "message start event", ["bpmn:StartEvent"], "bpmn:StartEvent", Message: true, KeyRequired: false),
        new("intermediate", "intermediate catch event", ["bpmn:IntermediateCatchEvent", "bpmn:IntermediateThrowEvent"], "bpmn:IntermediateCatchEvent", Message: true, KeyRequired: true),
        new("boundary", "boundary event", ["bpmn:BoundaryEvent"], "bpmn:BoundaryEvent", Message: true, KeyRequired: true),
        new("receive-task", "receive task", ["bpmn:ReceiveTask"], "bpmn:ReceiveTask", Message: true, KeyRequired: true),
    ];

    /// <summary>What each element kind's template id adds to the connector's (<c>.start-event</c>, ...).</summary>
    public static IEnumerable<string> IdSuffixes => Kinds.Select(k => k.Suffix);

    /// <summary>Every template of <paramref name="connector"/>, one per element kind.</summary>
    public static IEnumerable<JsonObject> Build(InboundConnectorMetadata connector, int version) => Kinds.Select(kind => Build(connector, kind, version));

    private static JsonObject Build(InboundConnectorMetadata connector, ElementKind kind, int version)
    {
        var elementType = new JsonObject { ["value"] = kind.Element };
        if (kind.Message && kind.Element != "bpmn:ReceiveTask")
            elementType["eventDefinition"] = "bpmn:MessageEventDefinition";
        var template = new JsonObject
        {
            ["$schema"] = ElementTemplateBuilder.Schema,
            ["name"] = $"{connector.Name} ({kind.Label})",
            ["id"] = ElementTemplateIds.InboundTemplateId(connector.Type, kind.Suffix),
            ["version"] = version,
        };
        if (!string.IsNullOrWhiteSpace(connector.Description))
            template["description"] = connector.Description;
        ElementTemplateBuilder.AddDocumentation(template, connector.DocumentationUrl);
        ElementTemplateBuilder.AddIconAndKeywords(template, connector.Icon, connector.Keywords);
        template["category"] = new JsonObject { ["id"] = "connectors", ["name"] = "Connectors" };
        template["appliesTo"] = new JsonArray(kind.AppliesTo.Select(a => (JsonNode?)a).ToArray());
        template["elementType"] = elementType;
        var groups = new JsonArray(Group("properties", "Properties"), Group("activation", "Activation"));
        if (kind.Message)
            groups.Add(Group("correlation", "Correlation"));
        groups.Add(Group("output", "Output mapping"));
        template["groups"] = groups;
        // Camunda's own inbound templates with these bindings (activation condition, consumeUnmatchedEvents, message
        // TTL and id expression as zeebe:property entries) claim 8.3; every field here is a property, and an empty
        // optional one writes nothing.
        template["engines"] = new JsonObject { ["camunda"] = "^8.3" };
        template["properties"] = new JsonArray(Properties(connector, kind).Select(p => (JsonNode?)p).ToArray());
        return template;
    }

    private static IEnumerable<JsonObject> Properties(InboundConnectorMetadata connector, ElementKind kind)
    {
        yield return new JsonObject { ["type"] = "Hidden", ["value"] = connector.Type, ["binding"] = Property("inbound.type") };
        foreach (var parameter in connector.Properties)
            yield return ConnectorProperty(parameter);

        yield return Field("activationCondition", "Activation condition", "activation", "String",
            "FEEL over the event; an event for which it is not true is not correlated.", feel: "required");
        yield return new JsonObject
        {
            ["id"] = "consumeUnmatchedEvents",
            ["label"] = "Consume unmatched events",
            ["description"] = "Drop an event the activation condition rejects, answering it as handled, instead of refusing it.",
            ["group"] = "activation",
            ["type"] = "Boolean",
            ["value"] = false,
            ["binding"] = Property("consumeUnmatchedEvents"),
        };
        if (kind.Message)
        {
            yield return Constrained(new JsonObject
            {
                ["id"] = "messageName",
                ["label"] = "Message name",
                ["description"] = "The name of the message each event is published as.",
                ["group"] = "correlation",
                ["type"] = "String",
                ["binding"] = new JsonObject { ["type"] = "bpmn:Message#property", ["name"] = "name" },
            });
            if (kind.KeyRequired)
            {
                yield return Constrained(Field("correlationKey", "Correlation key (process)", "correlation", "String",
                    "FEEL over the process instance's variables: the key the waiting instance subscribes with.", feel: "required",
                    binding: new JsonObject { ["type"] = "bpmn:Message#zeebe:subscription#property", ["name"] = "correlationKey" }, optional: false));
                yield return Constrained(Field("correlationKeyExpression", "Correlation key (event)", "correlation", "String",
                    "FEEL over the event giving the key it is published with.", feel: "required", optional: false));
            }
            else
            {
                // A message start event needs no key, but may have one (Camunda's template offers it the same way).
                yield return Field("correlationKey", "Correlation key (process)", "correlation", "String",
                    "FEEL: the key of the message subscription, when the process should be started once per key.", feel: "required",
                    binding: new JsonObject { ["type"] = "bpmn:Message#zeebe:subscription#property", ["name"] = "correlationKey" }, optional: false);
                yield return Field("correlationKeyExpression", "Correlation key (event)", "correlation", "String",
                    "FEEL over the event giving the key it is published with; a message start event needs none.", feel: "required");
            }
            yield return Field("messageIdExpression", "Message ID expression", "correlation", "String",
                "FEEL over the event giving the message id; the same id inside the time to live is correlated once.", feel: "required");
            var ttl = Field("messageTtl", "Message TTL", "correlation", "String", "How long the message waits to be correlated, as an ISO 8601 duration; PT1H when empty.");
            ttl["constraints"] = new JsonObject { ["notEmpty"] = false, ["pattern"] = new JsonObject { ["value"] = "^(P.*|)$", ["message"] = "must be an ISO 8601 duration such as PT1H" } };
            yield return ttl;
        }
        yield return Field("resultVariable", "Result variable", "output", "String", "The whole event is stored under this process variable.");
        yield return Field("resultExpression", "Result expression", "output", "Text", "FEEL giving a context of process variables from the event.", feel: "required");
    }

    private static JsonObject ConnectorProperty(ParameterMetadata parameter)
    {
        var property = new JsonObject
        {
            ["id"] = parameter.Id,
            ["label"] = parameter.Label,
            ["group"] = "properties",
        };
        if (!string.IsNullOrWhiteSpace(parameter.Description))
            property["description"] = parameter.Description;
        switch (parameter.Kind)
        {
            case ParameterKind.Enum when parameter.Choices.Count > 0:
                property["type"] = "Dropdown";
                property["choices"] = new JsonArray(parameter.Choices.Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name, ["value"] = c.Value }).ToArray());
                property["value"] = Text(parameter.DefaultValue) ?? parameter.Choices[0].Value;
                break;
            case ParameterKind.Boolean:
                property["type"] = "Boolean";
                property["value"] = parameter.DefaultValue is JsonValue flag && flag.TryGetValue(out bool b) && b;
                break;
            default:
                // BPMN properties are text; structured ones are written as FEEL (={"a": 1}) or JSON.
                property["type"] = parameter.Multiline || parameter.Kind is ParameterKind.Object or ParameterKind.Map or ParameterKind.List or ParameterKind.Any
                    ? "Text" : "String";
                if (Text(parameter.DefaultValue) is { } text)
                    property["value"] = text;
                if (parameter.Secret)
                    property["placeholder"] = $"{{{{secrets.{ElementTemplateIds.SecretName(parameter.Id)}}}}}";
                if (!parameter.Required)
                    property["optional"] = true;
                break;
        }
        property["binding"] = Property(parameter.Id);
        if (parameter.Required && parameter.Kind != ParameterKind.Boolean)
            property["constraints"] = new JsonObject { ["notEmpty"] = true };
        return property;
    }

    private static JsonObject Field(string id, string label, string group, string type, string description, string? feel = null,
        JsonObject? binding = null, bool optional = true)
    {
        var field = new JsonObject { ["id"] = id, ["label"] = label, ["description"] = description, ["group"] = group, ["type"] = type };
        if (feel is not null)
            field["feel"] = feel;
        // Left empty, an optional property is not written, so the adapter sees it absent.
        if (optional)
            field["optional"] = true;
        field["binding"] = binding ?? Property(id);
        return field;
    }

    private static JsonObject Constrained(JsonObject field)
    {
        field["constraints"] = new JsonObject { ["notEmpty"] = true };
        return field;
    }

    private static JsonObject Property(string name) => new() { ["type"] = "zeebe:property", ["name"] = name };

    private static JsonObject Group(string id, string label) => new() { ["id"] = id, ["label"] = label };

    private static string? Text(JsonNode? value) =>
        value is not JsonValue v ? null : v.TryGetValue(out string? s) ? (s.Length == 0 ? null : s) : v.ToJsonString();
}
