using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Reads a <c>/v1/do</c> body: one JSON object of parameters plus reserved <c>spiff__*</c> keys, of which unknown ones are dropped.</summary>
internal static class SpiffRequestReader
{
    private const string ReservedPrefix = "spiff__";

    // A duplicated key would otherwise surface later, while reading the object, as a server error.
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>Parses <paramref name="body"/>; on failure returns null and names the problem (and the field, when one is at fault).</summary>
    public static (SpiffRequest? Request, string? Problem, string? Field) Read(byte[] body)
    {
        var node = RequestBody.Parse(body, Strict, out var invalid);
        if (invalid is not null)
            return (null, $"the body is not valid JSON: {invalid}", null);
        if (node is not JsonObject parameters)
            return (null, $"the body must be a JSON object of parameters, not {Describe(node)}", null);
        // A lone surrogate escape would fail later, inside the connector or while answering: refuse it here, naming where it is.
        if (JsonText.MayHoldSurrogateEscapes(body) && JsonText.FindInvalid(parameters) is { } notText)
            return (null, $"invalid parameters: {notText} is not Unicode text: it holds a lone surrogate escape such as \\ud800", notText);

        // Most bodies name no reserved key: without "spiff__" in the text, and without an escape that could spell it,
        // none can, and the keys need not be walked.
        if (body.AsSpan().IndexOf("spiff__"u8) < 0 && body.AsSpan().IndexOf((byte)'\\') < 0)
            return (new SpiffRequest(parameters), null, null);

        List<string>? reserved = null;
        foreach (var (key, _) in parameters)
            if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
                (reserved ??= []).Add(key);
        if (reserved is null)
            return (new SpiffRequest(parameters), null, null);

        var request = new SpiffRequest(parameters)
        {
            TaskId = Text(parameters["spiff__task_id"]),
            ProcessInstanceId = Text(parameters["spiff__process_instance_id"]),
            CallbackUrl = Text(parameters["spiff__callback_url"]),
            TaskData = parameters["spiff__task_data"] is { } data ? JsonSerializer.SerializeToElement(data, JsonNodeContext.Default.JsonNode) : null,
        };
        foreach (var key in reserved)
            parameters.Remove(key);
        return (request, null, null);
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        _ => null,
    };

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
        _ => "this",
    };
}
