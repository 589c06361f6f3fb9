using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using System.Xml;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Binding;

/// <summary>Turns a connector's output (a class, record, anonymous object, dictionary, list or JSON node) into JSON.</summary>
/// <remarks>
/// Runs inside the plugin's generation with that generation's <see cref="TypeModels"/>, so no plugin type
/// reaches a process-wide serializer cache. The output is written as JSON text and parsed once: what leaves is a
/// <see cref="JsonNode"/> over that parsed element, which a protocol writes out as it is, and whose numbers read as
/// any numeric type, as parsed input's do. Building a node per value instead (and parsing each number on its own for
/// that reading) cost more than the rest of a small call's output.
/// </remarks>
internal sealed class OutputWriter(TypeModels models)
{
    private const int MaxDepth = 64;

    // The text is written into a buffer kept per thread, then parsed into arrays of its own.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    // Larger buffers (an unusually large output) are let go after their output.
    private const int KeptBytes = 64 * 1024;

    // Set while an output is written again because JSON it holds has an escaped lone surrogate (see WriteText).
    [ThreadStatic] private static bool t_repairing;

    // Only the JSON's own rules: protocols escape strings as they write them out, each to its own rules.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The output as nodes over its parsed JSON; null for none.</summary>
    public JsonNode? Write(object? value) => WriteText(value) is { } text ? Read(text) : null;

    /// <summary>Output text <see cref="WriteText"/> wrote, read back as nodes over its parsed element.</summary>
    public static JsonNode? Read(byte[] text)
    {
        var reader = new Utf8JsonReader(text, Reading);
        return ElementNode.Over(JsonElement.ParseValue(ref reader));
    }

    /// <summary>The output as UTF-8 JSON text, escaped only as JSON requires; null for none.</summary>
    public byte[]? WriteText(object? value)
    {
        if (value is null || value is JsonElement { ValueKind: JsonValueKind.Undefined })
            return null;
        // Taken while in use: output written again on this thread before this one is done (a getter that writes output)
        // gets a buffer and a writer of its own.
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(256);
        var json = t_writer ?? new Utf8JsonWriter(buffer, Options);
        (t_buffer, t_writer) = (null, null);
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        try
        {
            try
            {
                Write(json, value, 0);
            }
            catch (TextToRepair) when (!t_repairing)
            {
                // JSON the connector returned (a parsed answer of a third party's, say) holds a string such as "\ud83d": valid
                // JSON, but not text System.Text.Json will write. Written again from the start, every JSON value by its
                // raw text with each lone surrogate as U+FFFD: the rare case pays, not every output.
                buffer.ResetWrittenCount();
                json.Reset(buffer);
                t_repairing = true;
                try
                {
                    Write(json, value, 0);
                }
                finally
                {
                    t_repairing = false;
                }
            }
            json.Flush();
            // An output that is JSON null (a null element or document) is no output, as a null return is.
            return buffer.WrittenSpan.SequenceEqual("null"u8) ? null : buffer.WrittenSpan.ToArray();
        }
        finally
        {
            if (buffer.Capacity <= KeptBytes)
                (t_buffer, t_writer) = (buffer, json);
        }
    }

    /// <summary>How written output is read back: as deep as the writer may have written it (a JSON node a connector
    /// returned is not held to <see cref="MaxDepth"/>, which catches reference cycles in objects).</summary>
    private static readonly JsonReaderOptions Reading = new() { MaxDepth = JsonDepth.Max };

    private void Write(Utf8JsonWriter json, object? value, int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidOperationException($"Output is nested deeper than {MaxDepth} levels (a reference cycle?).");
        switch (value)
        {
            case null:
                json.WriteNullValue();
                return;
            case JsonNode node:
                WriteJson(json, node);
                return;
            case JsonElement element:
                if (element.ValueKind == JsonValueKind.Undefined)
                    json.WriteNullValue();
                else
                    WriteJson(json, element);
                return;
            case JsonDocument document:
                WriteJson(json, document.RootElement);
                return;
            case string s:
                json.WriteStringValue(s);
                return;
            case char c:
                json.WriteStringValue(c.ToString());
                return;
            case bool b:
                json.WriteBooleanValue(b);
                return;
            // JSON has no NaN or infinity; a null in their place would be a silently wrong result.
            case double d:
                if (!double.IsFinite(d))
                    throw NonFinite(d.ToString(CultureInfo.InvariantCulture));
                json.WriteNumberValue(d);
                return;
            case float f:
                if (!float.IsFinite(f))
                    throw NonFinite(f.ToString(CultureInfo.InvariantCulture));
                json.WriteNumberValue(f);
                return;
            case decimal m:
                json.WriteNumberValue(m);
                return;
            case int or short or sbyte:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                return;
            case long l:
                json.WriteNumberValue(l);
                return;
            case byte or ushort or uint or ulong:
                json.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
                return;
            case Enum e:
                json.WriteStringValue(WireName(e));
                return;
            case DateTime dt:
                json.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture));
                return;
            case DateTimeOffset dto:
                json.WriteStringValue(dto.ToString("O", CultureInfo.InvariantCulture));
                return;
            case DateOnly date:
                json.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return;
            case TimeOnly time:
                json.WriteStringValue(time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                return;
            case TimeSpan span:
                json.WriteStringValue(XmlConvert.ToString(span));
                return;
            case Guid guid:
                json.WriteStringValue(guid.ToString("D"));
                return;
            case Uri uri:
                json.WriteStringValue(uri.ToString());
                return;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                return;
            case IDictionary dictionary:
                WriteMap(json, dictionary, depth);
                return;
            case IEnumerable sequence:
                json.WriteStartArray();
                var index = 0;
                foreach (var item in sequence)
                    Under(json, $"[{index++}]", item, depth);
                json.WriteEndArray();
                return;
        }

        var model = models.For(value.GetType());
        if (model.Kind != ParameterKind.Object || model.Object is null)
        {
            json.WriteStringValue(value.ToString());
            return;
        }
        json.WriteStartObject();
        // An indexed loop: foreach over the read-only list would box its enumerator for every object written.
        var properties = model.Object.Properties;
        for (var p = 0; p < properties.Count; p++)
        {
            json.WritePropertyName(properties[p].Id);
            Under(json, properties[p].Id, properties[p].Property.GetValue(value), depth);
        }
        json.WriteEndObject();
    }

    /// <summary>A dictionary as an object. Keys that are not strings are written as text, and two that read the same
    /// (1 and "1") keep the later value, as a JSON object holds each name once.</summary>
    private void WriteMap(Utf8JsonWriter json, IDictionary dictionary, int depth)
    {
        json.WriteStartObject();
        if (AllKeysAreText(dictionary))
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                var key = (string)entry.Key;
                json.WritePropertyName(key);
                Under(json, key, entry.Value, depth);
            }
        }
        else
        {
            var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in dictionary)
                entries[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = entry.Value;
            foreach (var (key, item) in entries)
            {
                json.WritePropertyName(key);
                Under(json, key, item, depth);
            }
        }
        json.WriteEndObject();
    }

    // Text keys are unique as written (no comparer holds two ordinally equal strings apart); only others can collide.
    private static bool AllKeysAreText(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
            if (entry.Key is not string)
                return false;
        return true;
    }

    /// <summary>Writes a member, naming it in the path of any output problem found below it.</summary>
    private void Under(Utf8JsonWriter json, string step, object? value, int depth)
    {
        try
        {
            Write(json, value, depth + 1);
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

    // System.Text.Json writes parsed strings by unescaping them, and throws for an escaped lone surrogate; the output is
    // then written again with t_repairing set.
    private static void WriteJson(Utf8JsonWriter json, JsonNode node)
    {
        if (t_repairing)
        {
            WriteRepaired(json, node);
            return;
        }
        try
        {
            node.WriteTo(json);
        }
        catch (InvalidOperationException)
        {
            throw new TextToRepair();
        }
    }

    private static void WriteJson(Utf8JsonWriter json, JsonElement element)
    {
        if (t_repairing)
        {
            json.WriteRawValue(JsonText.WithoutLoneSurrogates(element.GetRawText()), skipInputValidation: true);
            return;
        }
        try
        {
            element.WriteTo(json);
        }
        catch (InvalidOperationException)
        {
            throw new TextToRepair();
        }
    }

    // A node's parsed parts by their raw text; parts built in code hold .NET strings, which the writer writes (a lone
    // surrogate there as U+FFFD). Keys of a parsed object are read through the node, which gives no raw text of them.
    private static void WriteRepaired(Utf8JsonWriter json, JsonNode node)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case JsonValue value when value.TryGetValue<JsonElement>(out var element):
                WriteJson(json, element);
                return;
            case JsonObject map:
                List<KeyValuePair<string, JsonNode?>> members;
                try
                {
                    members = [.. map];
                }
                catch (InvalidOperationException)
                {
                    throw new OutputException("NotText", "", "has a key that " + JsonText.NotText);
                }
                json.WriteStartObject();
                foreach (var (key, child) in members)
                {
                    json.WritePropertyName(key);
                    Repaired(json, key, child);
                }
                json.WriteEndObject();
                return;
            case JsonArray list:
                json.WriteStartArray();
                for (var i = 0; i < list.Count; i++)
                    Repaired(json, $"[{i}]", list[i]);
                json.WriteEndArray();
                return;
            default:
                node.WriteTo(json);
                return;
        }
    }

    private static void Repaired(Utf8JsonWriter json, string step, JsonNode? node)
    {
        try
        {
            if (node is null)
                json.WriteNullValue();
            else
                WriteRepaired(json, node);
        }
        catch (OutputException e)
        {
            throw e.Under(step);
        }
    }

    /// <summary>JSON in the output holds an escaped lone surrogate: the output is written again, repairing it.</summary>
    private sealed class TextToRepair : Exception;

    private static OutputException NonFinite(string shown) =>
        new("NonFiniteNumber", "", $"is {shown}, which JSON cannot represent (a number overflowed or was undefined)");
}
