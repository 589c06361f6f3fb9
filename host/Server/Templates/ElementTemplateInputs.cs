using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Templates;

/// <summary>Turns an operation's input parameters into element-template properties bound with <c>zeebe:input</c>.</summary>
/// <remarks>Nested objects are flattened into dotted bindings (<c>auth.token</c>) so Modeler shows one field per leaf.</remarks>
internal static class ElementTemplateInputs
{
    private const int MaxDepth = 8;

    /// <summary>The properties for <paramref name="operation"/>, each with its field's path as id (prefixed with
    /// <c>input.</c> where that is one of <paramref name="reservedIds"/>); a template with several operations names
    /// and conditions them itself (<see cref="ElementTemplateBuilder"/>).</summary>
    public static IEnumerable<JsonObject> For(OperationMetadata operation, ISet<string> reservedIds) =>
        Leaves(operation.Input, [], "", parentRequired: true, 0)
            .Select(leaf => Property(leaf.Parameter, string.Join('.', leaf.Ids), leaf.Label, leaf.Required, reservedIds));

    /// <summary>The fields of <paramref name="operation"/> its template binds, each as the ids of the objects it lies in
    /// and its own (the binding's name is them joined with '.').</summary>
    public static IEnumerable<string[]> Targets(OperationMetadata operation) =>
        Leaves(operation.Input, [], "", parentRequired: true, 0).Select(leaf => leaf.Ids);

    private static IEnumerable<(ParameterMetadata Parameter, string[] Ids, string Label, bool Required)> Leaves(
        IReadOnlyList<ParameterMetadata> parameters, string[] parentIds, string labelPrefix, bool parentRequired, int depth)
    {
        foreach (var parameter in parameters)
        {
            string[] ids = [.. parentIds, parameter.Id];
            // Flattened fields keep their object's name in the label, so "Host" reads "Server: Host".
            var label = labelPrefix + parameter.Label;
            // A required field inside an optional object is only required once the object is given.
            var required = parentRequired && parameter.Required;
            if (parameter.Kind == ParameterKind.Object && parameter.Children.Count > 0 && depth < MaxDepth)
            {
                foreach (var leaf in Leaves(parameter.Children, ids, label + ": ", required, depth + 1))
                    yield return leaf;
            }
            else
                yield return (parameter, ids, label, required);
        }
    }

    private static JsonObject Property(ParameterMetadata parameter, string path, string label, bool required, ISet<string> reservedIds)
    {
        var id = reservedIds.Contains(path) ? "input." + path : path;
        var property = new JsonObject
        {
            ["id"] = id,
            ["label"] = label,
            ["group"] = "input",
        };
        var description = Description(parameter, path);
        if (description is not null)
            property["description"] = description;
        if (!string.IsNullOrWhiteSpace(parameter.Tooltip))
            property["tooltip"] = parameter.Tooltip;

        switch (parameter.Kind)
        {
            case ParameterKind.Boolean:
                property["type"] = "Boolean";
                property["feel"] = "optional";
                if (parameter.DefaultValue is JsonValue flag && flag.TryGetValue(out bool b))
                    property["value"] = b;
                break;
            case ParameterKind.Integer or ParameterKind.Number:
                property["type"] = "Number";
                property["feel"] = "optional";
                if (parameter.DefaultValue is JsonValue number)
                    property["value"] = number.DeepClone();
                break;
            case ParameterKind.Enum when parameter.Choices.Count > 0:
                property["type"] = "Dropdown";
                property["choices"] = new JsonArray(parameter.Choices
                    .Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name, ["value"] = c.Value }).ToArray());
                // An optional choice without a default stays unset rather than silently picking the first.
                if ((DefaultText(parameter) ?? (required ? parameter.Choices[0].Value : null)) is { } choice)
                    property["value"] = choice;
                break;
            case ParameterKind.Object or ParameterKind.List or ParameterKind.Map or ParameterKind.Any:
                // No form field fits structured data: a FEEL expression builds it from process variables.
                property["type"] = "Text";
                property["feel"] = "required";
                if (parameter.DefaultValue is { } structured)
                    property["value"] = "=" + structured.ToJsonString();
                break;
            default:
                property["type"] = parameter.Multiline ? "Text" : "String";
                property["feel"] = "optional";
                if (DefaultText(parameter) is { } text)
                    property["value"] = text;
                if (parameter.Secret)
                    property["placeholder"] = $"{{{{secrets.{ElementTemplateIds.SecretName(path)}}}}}";
                break;
        }

        property["binding"] = new JsonObject { ["type"] = "zeebe:input", ["name"] = path };
        // A boolean always has a value, so "not empty" would only block unticked boxes.
        if (required && parameter.Kind != ParameterKind.Boolean)
            property["constraints"] = new JsonObject { ["notEmpty"] = true };
        // Left empty, an optional text input exports no mapping at all: engines before 8.8 fail on an empty one. (The
        // schema allows 'optional' on text fields only; see ElementTemplateBuilder.Engines for the others.)
        else if (!required && property["type"]!.GetValue<string>() is "String" or "Text")
            property["optional"] = true;
        return property;
    }

    private static string? Description(ParameterMetadata parameter, string path)
    {
        if (!parameter.Secret)
            return parameter.Description;
        var hint = $"Secret: use {{{{secrets.{ElementTemplateIds.SecretName(path)}}}}} rather than the value itself.";
        return string.IsNullOrWhiteSpace(parameter.Description) ? hint : parameter.Description.TrimEnd() + " " + hint;
    }

    private static string? DefaultText(ParameterMetadata parameter) =>
        parameter.DefaultValue is not JsonValue value ? null
        : value.TryGetValue(out string? s) ? (s.Length == 0 ? null : s)
        : value.ToJsonString();
}
