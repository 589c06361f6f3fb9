using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>An activation's properties as the input the connector's properties class binds from. BPMN properties are
/// all text, so a number or a flag is read from its text first; everything else is bound and validated by the core,
/// exactly as an outbound input is.</summary>
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
                _ => JsonValue.Create(text),
            };
        }
        return json;
    }
}
