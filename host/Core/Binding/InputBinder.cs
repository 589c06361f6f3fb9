using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Binding;

/// <summary>Binds JSON input into a connector's input type, leniently where no information is lost.</summary>
/// <remarks>
/// Reads the parsed request's own elements: a protocol that parsed its request hands its element over, and nothing
/// becomes a node tree on the way (an object's nodes, names and dictionary cost more than the rest of binding).
/// Hand-written rather than System.Text.Json: the protocols send any JSON type for a parameter (a number
/// for a text field, SpiffWorkflow's <c>{"value","typename"}</c> wrappers), every failing field must be
/// named in one answer, and a serializer's process-wide caches would pin unloaded plugin types.
/// </remarks>
internal static class InputBinder
{
    private const int MaxDepth = 64;

    /// <summary>Creates an instance of <paramref name="model"/> from <paramref name="input"/> (an object; anything else
    /// binds as an empty one), adding each failure to <paramref name="errors"/>.</summary>
    public static object Bind(JsonElement input, ObjectModel model, List<FieldError> errors, ISet<string> secrets) =>
        BindObject(input, model, "", errors, secrets, 0);

    /// <summary>Binds input built as nodes (by an adapter or a test) through the same rules, as the JSON it stands for.</summary>
    public static object Bind(JsonObject? input, ObjectModel model, List<FieldError> errors, ISet<string> secrets) =>
        Bind(ToElement(input), model, errors, secrets);

    /// <summary>Nodes as the element a parser would have made of their JSON; none as no element.</summary>
    public static JsonElement ToElement(JsonObject? input) =>
        input is null ? default : JsonSerializer.SerializeToElement(input, JsonNodeContext.Default.JsonNode);

    private static object BindObject(JsonElement json, ObjectModel model, string prefix, List<FieldError> errors, ISet<string> secrets, int depth)
    {
        var instance = model.Create();
        var isObject = json.ValueKind == JsonValueKind.Object;
        // An indexed loop: foreach over the read-only list would box its enumerator for every object bound.
        var properties = model.Properties;
        for (var p = 0; p < properties.Count; p++)
        {
            var property = properties[p];
            if (!property.Property.CanWrite)
                continue;
            var path = prefix.Length == 0 ? property.Id : prefix + "." + property.Id;
            var node = isObject && json.TryGetProperty(property.Id, out var found) ? Unwrap(found, property.Value) : default;
            if (IsNull(node))
            {
                if (property.Required)
                    errors.Add(new FieldError(path, "is required"));
                continue;
            }
            if (TryConvert(node, property.Value, path, errors, secrets, depth + 1, out var value))
            {
                if (property.Secret && value is string { Length: > 0 } secret)
                    secrets.Add(secret);
                property.Property.SetValue(instance, value);
            }
        }
        return instance;
    }

    // Missing (an undefined element) and JSON null bind alike.
    private static bool IsNull(JsonElement node) => node.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>SpiffWorkflow wraps dates and UUIDs as <c>{"value":..,"typename":..}</c>; only the value matters here.</summary>
    private static JsonElement Unwrap(JsonElement node, ValueModel model)
    {
        if (node.ValueKind == JsonValueKind.Object && model.Kind != ParameterKind.Object && model.Kind != ParameterKind.Map
            && node.TryGetProperty("typename"u8, out var typename) && typename.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null)
            && node.TryGetProperty("value"u8, out var inner) && CountOf(node) == 2)
            return inner;
        return node;
    }

    private static int CountOf(JsonElement json)
    {
        var count = 0;
        foreach (var _ in json.EnumerateObject())
            count++;
        return count;
    }

    private static bool TryConvert(JsonElement node, ValueModel model, string path, List<FieldError> errors, ISet<string> secrets, int depth, out object? value)
    {
        value = null;
        if (depth > MaxDepth)
        {
            errors.Add(new FieldError(path, $"is nested deeper than {MaxDepth} levels"));
            return false;
        }
        node = Unwrap(node, model);
        if (IsNull(node))
        {
            if (model.AcceptsNull)
                return true;
            errors.Add(new FieldError(path, "must not be null"));
            return false;
        }

        string? problem;
        (value, problem) = model.Kind switch
        {
            ParameterKind.String => ToText(node, model.TargetType),
            ParameterKind.Integer => ToInteger(node, model.TargetType),
            ParameterKind.Number => ToNumber(node, model.TargetType),
            ParameterKind.Boolean => ToBoolean(node),
            ParameterKind.Enum => ToEnum(node, model),
            ParameterKind.DateTime => ToDateTime(node, model.TargetType),
            ParameterKind.Guid => TextOf(node) is { } g && Guid.TryParse(g, out var guid) ? (guid, null) : (null, "must be a UUID"),
            ParameterKind.Any => ToAny(node, model.TargetType),
            _ => (null, null),
        };
        if (model.Kind is ParameterKind.List or ParameterKind.Map or ParameterKind.Object)
            return TryConvertComposite(node, model, path, errors, secrets, depth, out value);
        if (problem is not null)
        {
            errors.Add(new FieldError(path, problem));
            return false;
        }
        return true;
    }

    private static bool TryConvertComposite(JsonElement node, ValueModel model, string path, List<FieldError> errors, ISet<string> secrets, int depth, out object? value)
    {
        value = null;
        var before = errors.Count;
        switch (model.Kind)
        {
            case ParameterKind.Object when node.ValueKind == JsonValueKind.Object:
                value = BindObject(node, model.Object!, path, errors, secrets, depth);
                return errors.Count == before;
            case ParameterKind.List when node.ValueKind == JsonValueKind.Array:
                var items = new List<object?>(node.GetArrayLength());
                var index = 0;
                foreach (var element in node.EnumerateArray())
                {
                    if (TryConvert(element, model.Item!, $"{path}[{index}]", errors, secrets, depth + 1, out var item))
                        items.Add(item);
                    index++;
                }
                value = ToCollection(items, model);
                return errors.Count == before;
            case ParameterKind.Map when node.ValueKind == JsonValueKind.Object:
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), model.Item!.ClrType))!;
                foreach (var entry in node.EnumerateObject())
                {
                    var entryPath = path + "." + entry.Name;
                    var first = errors.Count;
                    if (TryConvert(entry.Value, model.Item!, entryPath, errors, secrets, depth + 1, out var item))
                        dictionary[entry.Name] = item;
                    for (var i = first; i < errors.Count; i++)
                        errors[i] = errors[i].InMapEntry(path, entryPath);
                }
                value = dictionary;
                return errors.Count == before;
            default:
                errors.Add(new FieldError(path, model.Kind switch
                {
                    ParameterKind.List => "must be a list",
                    _ => "must be an object",
                }));
                return false;
        }
    }

    private static object ToCollection(List<object?> items, ValueModel model)
    {
        var itemType = model.Item!.ClrType;
        if (model.TargetType.IsArray)
        {
            var array = Array.CreateInstance(itemType, items.Count);
            for (var i = 0; i < items.Count; i++)
                array.SetValue(items[i], i);
            return array;
        }
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        foreach (var item in items)
            list.Add(item);
        if (model.TargetType.IsAssignableFrom(list.GetType()))
            return list;
        return Activator.CreateInstance(model.TargetType, list)
            ?? throw new InvalidOperationException($"Cannot create {model.TargetType.Name} from a list.");
    }

    private static string? TextOf(JsonElement node) => node.ValueKind == JsonValueKind.String ? node.GetString() : null;

    private static (object?, string?) ToText(JsonElement node, Type target)
    {
        string? text = node.ValueKind switch
        {
            JsonValueKind.String => node.GetString(),
            JsonValueKind.Number => node.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        if (text is null)
            return (null, node.ValueKind == JsonValueKind.Array ? "must be text, not a list" : "must be text, not an object");
        if (target == typeof(string))
            return (text, null);
        if (target == typeof(char))
            return text.Length == 1 ? (text[0], null) : (null, "must be a single character");
        if (target == typeof(Uri))
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) ? (uri, null) : (null, "must be an absolute URL");
        // TimeSpan: ISO-8601 durations (PT30S) as BPMN users write them, or .NET's 00:00:30.
        try
        {
            return (text.StartsWith('P') || text.StartsWith("-P") ? XmlConvert.ToTimeSpan(text) : TimeSpan.Parse(text, CultureInfo.InvariantCulture), null);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return (null, "must be a duration such as PT30S");
        }
    }

    /// <summary>Parses a JSON number (or a string holding one) by its own text: 1e2 as a whole number, 0.1 as an exact
    /// decimal. False when the element holds neither or the text does not parse.</summary>
    /// <remarks>The parser reads a number from the request's own bytes; one it cannot read as <typeparamref name="T"/>
    /// (out of its range, where the text rules still decide: 1e400 is an infinite double) is parsed from its text.</remarks>
    private static bool TryParseNumber<T>(JsonElement node, TryRead<T> read, out T number) where T : struct, INumberBase<T>
    {
        number = T.Zero;
        return node.ValueKind switch
        {
            JsonValueKind.Number => read(node, out number)
                || T.TryParse(node.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            JsonValueKind.String => T.TryParse(node.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    private delegate bool TryRead<T>(JsonElement element, out T value);

    // The element's own readers, which parse its UTF-8 bytes in place.
    private static readonly TryRead<decimal> ReadDecimal = static (JsonElement e, out decimal d) => e.TryGetDecimal(out d);
    private static readonly TryRead<double> ReadDouble = static (JsonElement e, out double d) => e.TryGetDouble(out d);

    private static (object?, string?) ToInteger(JsonElement node, Type target)
    {
        if (!TryParseNumber(node, ReadDecimal, out var number) || number != decimal.Truncate(number))
            return (null, "must be a whole number");
        try
        {
            return (Convert.ChangeType(number, target, CultureInfo.InvariantCulture), null);
        }
        catch (OverflowException)
        {
            return (null, $"is out of range for {target.Name}");
        }
    }

    private static (object?, string?) ToNumber(JsonElement node, Type target)
    {
        if (!TryParseNumber(node, ReadDouble, out var number))
            return (null, "must be a number");
        if (!double.IsFinite(number))
            return (null, "must be a finite number");
        if (target == typeof(decimal))
            return TryParseNumber(node, ReadDecimal, out var exact) ? (exact, null) : (null, "is out of range for decimal");
        // Boxed apart: in one conditional the float would be widened back to a double, which a float field refuses.
        return (target == typeof(float) ? (object)(float)number : number, null);
    }

    private static (object?, string?) ToBoolean(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.True => (true, null),
        JsonValueKind.False => (false, null),
        JsonValueKind.String when bool.TryParse(node.GetString(), out var b) => (b, null),
        _ => (null, "must be true or false"),
    };

    private static (object?, string?) ToEnum(JsonElement node, ValueModel model)
    {
        var text = TextOf(node);
        // Indexed: a foreach over the read-only list would box its enumerator for every value bound.
        var members = model.EnumMembers;
        if (text is not null)
            for (var i = 0; i < members.Count; i++)
                if (string.Equals(members[i].Wire, text, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(members[i].Value.ToString(), text, StringComparison.OrdinalIgnoreCase))
                    return (members[i].Value, null);
        return (null, "must be one of: " + string.Join(", ", model.EnumMembers.Select(m => m.Wire)));
    }

    private static (object?, string?) ToDateTime(JsonElement node, Type target)
    {
        var text = TextOf(node);
        if (text is null)
            return (null, "must be a date and time in ISO-8601 form");
        if (target == typeof(DateOnly))
            return DateOnly.TryParse(text, CultureInfo.InvariantCulture, out var date) ? (date, null) : (null, "must be a date such as 2026-01-31");
        if (target == typeof(TimeOnly))
            return TimeOnly.TryParse(text, CultureInfo.InvariantCulture, out var time) ? (time, null) : (null, "must be a time such as 13:45:00");
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind | DateTimeStyles.AssumeUniversal, out var instant))
            return (null, "must be a date and time in ISO-8601 form");
        return target == typeof(DateTimeOffset) ? (instant, null) : (DateTime.SpecifyKind(instant.UtcDateTime, DateTimeKind.Utc), null);
    }

    /// <summary>A field that takes any JSON gets its own copy (the request's document is not the connector's to keep);
    /// one typed as an object, a list or a single value gets only that.</summary>
    private static (object?, string?) ToAny(JsonElement node, Type target)
    {
        if (target == typeof(JsonElement) || target == typeof(object))
            return (node.Clone(), null);
        // Never null here: JSON null was answered before.
        var copy = ElementNode.Over(node.Clone())!;
        if (target.IsInstanceOfType(copy))
            return (copy, null);
        return (null, target == typeof(JsonObject) ? "must be an object" : target == typeof(JsonArray) ? "must be a list" : "must be a single value, not an object or a list");
    }
}
