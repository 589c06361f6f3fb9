using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Binding;

/// <summary>Turns a connector's output (a class, record, anonymous object, dictionary, list or JSON node) into JSON.</summary>
/// <remarks>
/// Runs inside the plugin's generation with that generation's <see cref="TypeModels"/>, so no plugin type
/// reaches a process-wide serializer cache; what leaves is a plain <see cref="JsonNode"/> tree.
/// </remarks>
internal sealed class OutputWriter(TypeModels models)
{
    private const int MaxDepth = 64;

    public JsonNode? Write(object? value) => Write(value, 0);

    /// <summary>Numbers go through the parser so readers can take them as any numeric type, as with parsed input.</summary>
    /// <remarks>Written as UTF-8 into a stack buffer and parsed from there: no string per number.</remarks>
    private static JsonNode Number<T>(T number, string? format = null) where T : IUtf8SpanFormattable
    {
        // 64 bytes hold every decimal, 64-bit integer and round-trip double or float.
        Span<byte> text = stackalloc byte[64];
        if (!number.TryFormat(text, out var written, format, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{typeof(T).Name} {number} does not fit a number's buffer");
        return JsonNode.Parse(text[..written])!;
    }

    private JsonNode? Write(object? value, int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidOperationException($"Output is nested deeper than {MaxDepth} levels (a reference cycle?).");
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                return node.DeepClone();
            case JsonElement element:
                return element.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());
            case JsonDocument document:
                return JsonNode.Parse(document.RootElement.GetRawText());
            case string s:
                return JsonValue.Create(s);
            case char c:
                return JsonValue.Create(c.ToString());
            case bool b:
                return JsonValue.Create(b);
            // JSON has no NaN or infinity; a null in their place would be a silently wrong result.
            case double d:
                return double.IsFinite(d) ? Number(d, "R") : throw NonFinite(d.ToString(CultureInfo.InvariantCulture));
            case float f:
                return float.IsFinite(f) ? Number(f, "R") : throw NonFinite(f.ToString(CultureInfo.InvariantCulture));
            case decimal or int or long or short or byte or sbyte or uint or ulong or ushort:
                return Number((IUtf8SpanFormattable)value);
            case Enum e:
                return JsonValue.Create(WireName(e));
            case DateTime dt:
                return JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture));
            case DateOnly date:
                return JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            case TimeOnly time:
                return JsonValue.Create(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
            case TimeSpan span:
                return JsonValue.Create(XmlConvert.ToString(span));
            case Guid guid:
                return JsonValue.Create(guid.ToString("D"));
            case Uri uri:
                return JsonValue.Create(uri.ToString());
            case byte[] bytes:
                return JsonValue.Create(Convert.ToBase64String(bytes));
            case IDictionary dictionary:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
                    map[key] = Under(key, entry.Value, depth);
                }
                return map;
            case IEnumerable sequence:
                var array = new JsonArray();
                foreach (var item in sequence)
                    array.Add(Under($"[{array.Count}]", item, depth));
                return array;
        }

        var model = models.For(value.GetType());
        if (model.Kind != ParameterKind.Object || model.Object is null)
            return JsonValue.Create(value.ToString());
        var result = new JsonObject();
        // An indexed loop: foreach over the read-only list would box its enumerator for every object written.
        var properties = model.Object.Properties;
        for (var p = 0; p < properties.Count; p++)
            result[properties[p].Id] = Under(properties[p].Id, properties[p].Property.GetValue(value), depth);
        return result;
    }

    /// <summary>Writes a member, naming it in the path of any output problem found below it.</summary>
    private JsonNode? Under(string step, object? value, int depth)
    {
        try
        {
            return Write(value, depth + 1);
        }
        catch (OutputException e)
        {
            throw e.Under(step);
        }
    }

    // An indexed loop rather than a LINQ lookup or a foreach: an enum in the output is common, and a lambda capturing
    // the value costs a closure and a delegate, a foreach over the read-only list a boxed enumerator, per value written.
    private string WireName(Enum value)
    {
        var members = models.For(value.GetType()).EnumMembers;
        for (var i = 0; i < members.Count; i++)
            if (members[i].Value.Equals(value))
                return members[i].Wire;
        return value.ToString();
    }

    private static OutputException NonFinite(string shown) =>
        new("NonFiniteNumber", "", $"is {shown}, which JSON cannot represent (a number overflowed or was undefined)");
}
