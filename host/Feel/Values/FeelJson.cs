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
                try
                {
                    foreach (var (key, value) in obj)
                        context.Set(key, ToFeel(value));
                }
                catch (InvalidOperationException)
                {
                    // A key parsed from an escaped lone surrogate ("\ud800"), which System.Text.Json will not read as
                    // text, and the parsed object gives no other way to its keys. No expression could name that key;
                    // the object is null rather than the whole evaluation failing outside its errors.
                    return null;
                }
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

    /// <summary>Parsed JSON as a FEEL value. A member named twice in one object keeps its last value, in the place of its
    /// first, as Camunda's runtime reads JSON with Jackson (a node tree of such an object throws when it is read).</summary>
    public static object? ToFeel(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var context = new FeelContext();
                try
                {
                    foreach (var member in element.EnumerateObject())
                        context.Set(member.Name, ToFeel(member.Value));
                }
                catch (InvalidOperationException)
                {
                    // A key parsed from an escaped lone surrogate: as for a node tree above.
                    return null;
                }
                return context;
            }
            case JsonValueKind.Array:
            {
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                    list.Add(ToFeel(item));
                return list;
            }
            case JsonValueKind.String:
                try
                {
                    return element.GetString();
                }
                catch (InvalidOperationException)
                {
                    return LoneSurrogates.Decode(element.GetRawText());
                }
            case JsonValueKind.Number:
                return element.TryGetDecimal(out var number) ? number : Approximate(element.GetDouble());
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>A FEEL value as JSON (temporal values as ISO 8601 strings); throws <see cref="FeelEvaluationException"/> for a
    /// value too large or too deeply nested to write.</summary>
    public static JsonNode? ToJson(object? value)
    {
        var limits = new Limits { Nodes = MaxNodes, Characters = MaxCharacters };
        return ToJson(value, 0, ref limits);
    }

    /// <summary>Values one result may hold when written as JSON. An evaluation is held to far fewer
    /// (<see cref="Evaluation.EvaluationBudget"/>), but a list it holds many times over is written out each time.</summary>
    public const long MaxNodes = 1_000_000;

    /// <summary>Characters of text one result may hold when written as JSON. A string held many times over is written
    /// out each time: a list of a hundred thousand references to one 40 KB string is 4 billion characters of JSON.</summary>
    public const long MaxCharacters = 16_000_000;

    private struct Limits
    {
        public long Nodes;
        public long Characters;
    }

    /// <summary>Lists and contexts nested deeper than this are not written: the host reads no JSON nested deeper either,
    /// and each level is a frame of the stack, whose overflow ends the process.</summary>
    public const int MaxDepth = 1000;

    private static JsonNode? ToJson(object? value, int depth, ref Limits left)
    {
        if (--left.Nodes < 0)
            throw new FeelEvaluationException(string.Create(CultureInfo.InvariantCulture, $"the result holds more than {MaxNodes:N0} values"));
        if (depth > MaxDepth && value is List<object?> or FeelContext or FeelRange)
            throw new FeelEvaluationException($"the result is nested deeper than {MaxDepth} levels");
        switch (value)
        {
            case null:
                return null;
            case string s:
                left.Characters -= s.Length;
                if (left.Characters < 0)
                    throw new FeelEvaluationException(string.Create(CultureInfo.InvariantCulture, $"the result holds more than {MaxCharacters:N0} characters of text"));
                // Within an evaluation (to json), charged as the text the JSON will be.
                Evaluation.EvaluationBudget.Current?.SpendOnText(s.Length);
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case decimal d:
                return JsonValue.Create(d / 1.0000000000000000000000000000m);
            case List<object?> list:
            {
                var array = new JsonArray();
                foreach (var item in list)
                    array.Add(ToJson(item, depth + 1, ref left));
                return array;
            }
            case FeelContext context:
            {
                var obj = new JsonObject();
                foreach (var (key, item) in context.Entries())
                {
                    left.Characters -= key.Length;
                    obj[key] = ToJson(item, depth + 1, ref left);
                }
                return obj;
            }
            case FeelRange range:
                return new JsonObject
                {
                    ["start"] = ToJson(range.Start, depth + 1, ref left), ["end"] = ToJson(range.End, depth + 1, ref left),
                    ["start included"] = range.StartIncluded, ["end included"] = range.EndIncluded,
                };
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
                try
                {
                    return value.TryGetValue<string>(out var s) ? s : value.ToString();
                }
                catch (InvalidOperationException) when (value.TryGetValue<JsonElement>(out var raw))
                {
                    // Valid JSON that is not Unicode text: an escaped lone surrogate ("\ud83d", text a service cut
                    // between the halves of a pair), which System.Text.Json will not read as a string.
                    return LoneSurrogates.Decode(raw.GetRawText());
                }
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
