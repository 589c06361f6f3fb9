using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;
using Switchboard.Core.Metadata;
using Switchboard.Feel;

namespace Switchboard.Core.Inbound;

/// <summary>An activation's properties as the input the connector's properties class binds from. BPMN properties are
/// all text, so a number or a flag is read from its text first, and a structured value (an object, a map, a list, any
/// JSON) from FEEL (<c>={"page": 1}</c>, evaluated without variables, as the activation belongs to its element and not
/// to a process instance) or from JSON text; everything else is bound and validated by the core, exactly as an
/// outbound input is.</summary>
/// <remarks>Text properties stay text even when they start with <c>=</c>: a webhook's <c>inbound.auth.apiKeyLocator</c>
/// is FEEL over each request, which only the connector can evaluate.</remarks>
internal static class ActivationProperties
{
    public static JsonObject ToJson(IReadOnlyDictionary<string, string> properties, ObjectModel model)
    {
        var json = new JsonObject();
        foreach (var property in model.Properties)
        {
            if (!properties.TryGetValue(property.Id, out var text))
                continue;
            json[property.Id] = property.Value.Kind switch
            {
                ParameterKind.Boolean when bool.TryParse(text, out var flag) => JsonValue.Create(flag),
                ParameterKind.Integer when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => JsonValue.Create(whole),
                ParameterKind.Number when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
                ParameterKind.Object or ParameterKind.Map or ParameterKind.List or ParameterKind.Any => Structured(text),
                _ => JsonValue.Create(text),
            };
        }
        return json;
    }

    // What cannot be read stays text, and the binder names the field and the type it expected.
    private static JsonNode? Structured(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (text.StartsWith('='))
        {
            try
            {
                return FeelEngine.Default.Evaluate(text[1..], null).Value;
            }
            catch (FeelExpressionException)
            {
                return JsonValue.Create(text);
            }
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
