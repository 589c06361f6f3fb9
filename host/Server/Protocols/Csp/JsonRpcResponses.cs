using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Builds the JSON-RPC 2.0 response objects CSP sends: the result envelope and the error forms.</summary>
internal static class JsonRpcResponses
{
    /// <summary>The pipeline's code for a binding or validation failure, also used for CSP's own parameter checks.</summary>
    public const string InvalidParametersCode = "InvalidParameters";

    /// <summary>The one relaxed writing setting every CSP answer uses (<see cref="ResponseJson.Relaxed"/>).</summary>
    public static readonly JsonWriterOptions WriterOptions = ResponseJson.Relaxed;

    /// <summary>A response (or batch of responses) as the UTF-8 bytes every CSP answer is written with.</summary>
    public static ReadOnlyMemory<byte> Utf8(JsonNode body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            body.WriteTo(writer);
        return buffer.WrittenMemory;
    }

    /// <summary><c>{"jsonrpc":"2.0","id":..,"result":{"output":..,"statusCode":200,"error":null}}</c>.</summary>
    public static JsonObject Success(JsonNode? id, JsonNode? output, int statusCode = 200) => Result(id, output, statusCode);

    /// <summary>Writes what <see cref="Success"/> builds, straight to <paramref name="json"/>: the answer of every successful
    /// call, written without a tree of its own (nor a copy of the request's id).</summary>
    public static void WriteSuccess(Utf8JsonWriter json, JsonNode? id, Outcome? output, int statusCode)
    {
        json.WriteStartObject();
        json.WriteString("jsonrpc", "2.0");
        json.WritePropertyName("id");
        json.WriteNodeOrNull(id);
        json.WriteStartObject("result");
        json.WritePropertyName("output");
        if (output is null)
            json.WriteNullValue();
        else
            output.WriteOutputTo(json);
        json.WriteNumber("statusCode", statusCode);
        json.WriteNull("error");
        json.WriteEndObject();
        json.WriteEndObject();
    }


    /// <summary>The answer to an asynchronous call: no output yet, 202 in the body as the reference library puts it.</summary>
    public static JsonObject Accepted(JsonNode? id) => Result(id, null, 202);

    public static JsonObject Error(JsonNode? id, int code, string message, JsonObject data) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = Detached(id),
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["data"] = data },
    };

    /// <summary>A standard error with its standard message, and in <c>data</c> the same three fields every other error carries.</summary>
    /// <param name="id">The request's id, or null when it could not be read.</param>
    /// <param name="code">The JSON-RPC code.</param>
    /// <param name="errorMessage">What went wrong.</param>
    /// <param name="errorCode">A stable name for the problem; by default the code's (<c>ParseError</c>, <c>InvalidRequest</c>, <c>InternalError</c>).</param>
    /// <param name="retryable">Whether the same request may succeed later; by default only for internal errors.</param>
    public static JsonObject Error(JsonNode? id, int code, string errorMessage, string? errorCode = null, bool? retryable = null) =>
        Error(id, code, CspErrorCodes.MessageOf(code), new JsonObject
        {
            ["errorCode"] = errorCode ?? CspErrorCodes.NameOf(code),
            ["errorMessage"] = errorMessage,
            ["retryable"] = retryable ?? code == CspErrorCodes.InternalError,
        });

    /// <summary>-32602 naming each failing field in <c>data.validationErrors</c>.</summary>
    public static JsonObject InvalidParams(JsonNode? id, IReadOnlyList<FieldError> fields) =>
        Error(id, CspErrorCodes.InvalidParams, CspErrorCodes.MessageOf(CspErrorCodes.InvalidParams), new JsonObject
        {
            ["errorCode"] = InvalidParametersCode,
            ["errorMessage"] = "invalid parameters: " + string.Join("; ", fields.Select(f => $"{f.Field} {f.Message}")),
            ["retryable"] = false,
            ["validationErrors"] = ValidationErrors(fields),
        });

    public static JsonArray ValidationErrors(IEnumerable<FieldError> fields) =>
        new(fields.Select(f => (JsonNode?)new JsonObject { ["field"] = f.Field, ["message"] = f.Message }).ToArray());

    private static JsonObject Result(JsonNode? id, JsonNode? output, int statusCode) => new()
    {
        ["jsonrpc"] = "2.0",
        ["id"] = Detached(id),
        ["result"] = new JsonObject { ["output"] = Detached(output), ["statusCode"] = statusCode, ["error"] = null },
    };

    /// <summary>A node can sit in one tree only; the request's id and a shared output are copied rather than moved.</summary>
    private static JsonNode? Detached(JsonNode? node) => node?.Parent is null ? node : node.DeepClone();
}
