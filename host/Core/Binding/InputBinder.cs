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
/// Hand-written rather than System.Text.Json: the protocols send any JSON type for a parameter (a number
/// for a text field, SpiffWorkflow's <c>{"value","typename"}</c> wrappers), every failing field must be
/// named in one answer, and a serializer's process-wide caches would pin unloaded plugin types.
/// </remarks>
internal static class InputBinder
{
    private const int MaxDepth = 64;

    /// <summary>Creates an instance of <paramref name="model"/> from <paramref name="input"/>, adding each failure to <paramref name="errors"/>.</summary>
    public static object Bind(JsonObject? input, ObjectModel model, List<FieldError> errors, ISet<string> secrets) =>
        BindObject(input ?? new JsonObject(), model, "", errors, secrets, 0);

    private static object BindObject(JsonObject json, ObjectModel model, string prefix, List<FieldError> errors, ISet<string> secrets, int depth)
    {
        var instance = model.Create();
        // An indexed loop: foreach over the read-only list would box its enumerator for every object bound.
        var properties = model.Properties;
        for (var p = 0; p < properties.Count; p++)
        {
            var property = properties[p];
            if (!property.Property.CanWrite)
                continue;
            var path = prefix.Length == 0 ? property.Id : prefix + "." + property.Id;
            json.TryGetPropertyValue(property.Id, out var node);
            node = Unwrap(node, property.Value);
            if (node is null)
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

    /// <summary>SpiffWorkflow wraps dates and UUIDs as <c>{"value":..,"typename":..}</c>; only the value matters here.</summary>
    private static JsonNode? Unwrap(JsonNode? node, ValueModel model)
    {
        if (node is JsonObject { Count: 2 } wrapper && model.Kind != ParameterKind.Object && model.Kind != ParameterKind.Map
            && wrapper.TryGetPropertyValue("typename", out var typename) && typename is JsonValue
            && wrapper.TryGetPropertyValue("value", out var inner))
            return inner;
        return node;
    }

    private static bool TryConvert(JsonNode? node, ValueModel model, string path, List<FieldError> errors, ISet<string> secrets, int depth, out object? value)
    {
        value = null;
        if (depth > MaxDepth)
        {
            errors.Add(new FieldError(path, $"is nested deeper than {MaxDepth} levels"));
            return false;
        }
        node = Unwrap(node, model);
        if (node is null)
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
            ParameterKind.Any => (ToAny(node, model.TargetType), null),
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

    private static bool TryConvertComposite(JsonNode node, ValueModel model, string path, List<FieldError> errors, ISet<string> secrets, int depth, out object? value)
    {
        value = null;
        var before = errors.Count;
        switch (model.Kind)
        {
            case ParameterKind.Object when node is JsonObject json:
                value = BindObject(json, model.Object!, path, errors, secrets, depth);
                return errors.Count == before;
            case ParameterKind.List when node is JsonArray array:
                var items = new List<object?>(array.Count);
                for (var i = 0; i < array.Count; i++)
                    if (TryConvert(array[i], model.Item!, $"{path}[{i}]", errors, secrets, depth + 1, out var item))
                        items.Add(item);
                value = ToCollection(items, model);
                return errors.Count == before;
            case ParameterKind.Map when node is JsonObject map:
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), model.Item!.ClrType))!;
                foreach (var (key, child) in map)
                    if (TryConvert(child, model.Item!, path + "." + key, errors, secrets, depth + 1, out var item))
                        dictionary[key] = item;
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

    private static string? TextOf(JsonNode node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static (object?, string?) ToText(JsonNode node, Type target)
    {
        string? text = node is JsonValue v
            ? v.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Number => v.ToJsonString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;
        if (text is null)
            return (null, node is JsonArray ? "must be text, not a list" : "must be text, not an object");
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

    /// <summary>Parses a JSON number (or, failing that, a string holding one) by its own text: an adapter's int read as
    /// decimal, 1e2 as a whole number. False when the node holds neither or the text does not parse.</summary>
    /// <remarks>A number parsed from a request is read by the parser from the request's own bytes: turning it into a
    /// string first cost a writer and a string for every number bound. A number the parser cannot read as
    /// <typeparamref name="T"/> (out of its range) and a value built in code from a CLR number (TryGetValue converts
    /// only to that exact type) are parsed from their JSON text, as before.</remarks>
    private static bool TryParseNumber<T>(JsonNode node, TryRead<T> read, out T number) where T : struct, INumberBase<T>
    {
        number = T.Zero;
        if (node is not JsonValue v)
            return false;
        return v.GetValueKind() switch
        {
            JsonValueKind.Number => v.TryGetValue<JsonElement>(out var element) && read(element, out number)
                || T.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            JsonValueKind.String => T.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    private delegate bool TryRead<T>(JsonElement element, out T value);

    // The parsed element's own readers, which parse its UTF-8 bytes in place.
    private static readonly TryRead<decimal> ReadDecimal = static (JsonElement e, out decimal d) => e.TryGetDecimal(out d);
    private static readonly TryRead<double> ReadDouble = static (JsonElement e, out double d) => e.TryGetDouble(out d);

    private static (object?, string?) ToInteger(JsonNode node, Type target)
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

    private static (object?, string?) ToNumber(JsonNode node, Type target)
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

    private static (object?, string?) ToBoolean(JsonNode node)
    {
        if (node is JsonValue v)
        {
            var kind = v.GetValueKind();
            if (kind == JsonValueKind.True)
                return (true, null);
            if (kind == JsonValueKind.False)
                return (false, null);
            if (kind == JsonValueKind.String && bool.TryParse(v.GetValue<string>(), out var b))
                return (b, null);
        }
        return (null, "must be true or false");
    }

    private static (object?, string?) ToEnum(JsonNode node, ValueModel model)
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

    private static (object?, string?) ToDateTime(JsonNode node, Type target)
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

    private static object? ToAny(JsonNode node, Type target)
    {
        if (target == typeof(JsonElement) || target == typeof(object))
            return JsonSerializer.SerializeToElement(node, JsonNodeContext.Default.JsonNode);
        return node.DeepClone();
    }
}
