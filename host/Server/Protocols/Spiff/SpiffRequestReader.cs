using System.Text.Json;
using System.Text.Json.Nodes;
using System.Runtime.InteropServices;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Reads a <c>/v1/do</c> body: one JSON object of parameters plus reserved <c>spiff__*</c> keys, of which unknown ones are dropped.</summary>
internal static class SpiffRequestReader
{
    private const string ReservedPrefix = "spiff__";


    /// <summary>Parses <paramref name="body"/>; on failure returns null and names the problem (and the field, when one is at fault).</summary>
    public static (SpiffRequest? Request, string? Problem, FieldError? Field) Read(byte[] body)
    {
        if (JsonBody.ParseElement(body, JsonBody.Strict, out var invalid) is not { } root)
            return (null, $"the body is not valid JSON: {invalid}", null);
        if (root.ValueKind != JsonValueKind.Object)
            return (null, $"the body must be a JSON object of parameters, not {Describe(ElementNode.Over(root))}", null);
        // A lone surrogate escape would fail later, inside the connector or while answering: refuse it here, naming where it is.
        if (JsonBody.FindNotText(body, root) is { } notText)
            return (null, $"invalid parameters: {notText} {JsonText.NotText}", new FieldError(notText, JsonText.NotText));

        // Most bodies name no reserved key: without "spiff__" in the text, and without an escape that could spell it,
        // none can, and the keys need not be walked.
        if (body.AsSpan().IndexOf("spiff__"u8) < 0 && body.AsSpan().IndexOf((byte)'\\') < 0)
            return (new SpiffRequest(root, HasReservedKeys: false), null, null);

        // The reserved keys are read from the parsed element; the parameters stay in it (see SpiffRequest.Parameters).
        string? taskId = null, processInstanceId = null, callbackUrl = null, callbackProblem = null;
        JsonElement? taskData = null;
        foreach (var property in root.EnumerateObject())
        {
            if (!IsReserved(property))
                continue;
            if (property.NameEquals("spiff__task_id"u8))
                taskId = Text(property.Value);
            else if (property.NameEquals("spiff__process_instance_id"u8))
                processInstanceId = Text(property.Value);
            else if (property.NameEquals("spiff__callback_url"u8))
            {
                // Anything but a string (or null: none) is a callback URL that cannot be used, refused where one is used
                // as a bad one is (see SpiffDoHandler), never taken as no callback URL, which ran a long-running command at
                // once and called nobody back.
                if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                    callbackProblem = $"must be a string, the URL to call back, not {Describe(ElementNode.Over(property.Value))}";
                else
                    callbackUrl = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
            else if (property.NameEquals("spiff__task_data"u8) && property.Value.ValueKind != JsonValueKind.Null)
                taskData = property.Value; // the request's document is never disposed: the element stays readable
        }
        return (new SpiffRequest(root, HasReservedKeys: true) { TaskId = taskId, ProcessInstanceId = processInstanceId, CallbackUrl = callbackUrl, CallbackUrlProblem = callbackProblem, TaskData = taskData }, null, null);
    }

    /// <summary>The body's members other than the reserved keys, as a new object.</summary>
    public static JsonObject Parameters(JsonElement body)
    {
        var parameters = new JsonObject();
        foreach (var property in body.EnumerateObject())
            if (!IsReserved(property))
                parameters.Add(property.Name, ElementNode.Over(property.Value));
        return parameters;
    }

    // Unknown reserved keys are dropped with the known ones. A name spelled with escapes is compared unescaped.
    private static bool IsReserved(JsonProperty property) =>
        JsonMarshal.GetRawUtf8PropertyName(property) is var raw && raw.IndexOf((byte)'\\') < 0
            ? raw.StartsWith("spiff__"u8)
            : property.Name.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject => "an object",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
        _ => "this",
    };
}
