using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Feel.Values;

/// <summary>Converts between System.Text.Json nodes and FEEL values; temporal values leave as ISO 8601 strings.</summary>
public static class FeelJson
{
    public static object? ToFeel(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
            {
                var context = new FeelContext(obj.Count);
                foreach (var (key, value) in obj)
                    context.Set(key, ToFeel(value));
                return context;
            }
            case JsonArray array:
            {
                var list = new List<object?>(array.Count);
                foreach (var item in array)
                    list.Add(ToFeel(item));
                return list;
            }
            case JsonValue value:
                return Scalar(value);
            default:
                return null;
        }
    }

    public static JsonNode? ToJson(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case decimal d:
                return JsonValue.Create(d / 1.0000000000000000000000000000m);
            case List<object?> list:
            {
                var array = new JsonArray();
                foreach (var item in list)
                    array.Add(ToJson(item));
                return array;
            }
            case FeelContext context:
            {
                var obj = new JsonObject();
                foreach (var (key, item) in context.Entries())
                    obj[key] = ToJson(item);
                return obj;
            }
            case FeelRange range:
                return new JsonObject { ["start"] = ToJson(range.Start), ["end"] = ToJson(range.End), ["start included"] = range.StartIncluded, ["end included"] = range.EndIncluded };
            case FeelFunction:
                return null;
            default:
                return JsonValue.Create(FeelText.Of(value));
        }
    }

    /// <summary>Numbers beyond decimal's range have no FEEL value here: they read as null.</summary>
    private static object? Approximate(double value) => Math.Abs(value) < 7.9e28 ? (decimal)value : null;

    private static object? Scalar(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.TryGetValue<string>(out var s) ? s : value.ToString();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (value.TryGetValue<JsonElement>(out var element))
                    return element.TryGetDecimal(out var fromElement) ? fromElement : Approximate(element.GetDouble());
                if (value.TryGetValue<decimal>(out var d))
                    return d;
                // Values built in code (int, long, double...) print as JSON numbers, which parse back exactly.
                var text = value.ToJsonString();
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d) ? d : Approximate(double.Parse(text, CultureInfo.InvariantCulture));
            default:
                return null;
        }
    }
}
