using Switchboard.Host.Callbacks;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Reads one JSON-RPC request element into a <see cref="CspRequest"/>, or the error response it earns.</summary>
/// <remarks>
/// Envelope problems (not an object, wrong <c>jsonrpc</c>, bad <c>method</c>, <c>id</c> or <c>params</c>) are -32600 and
/// answered even without an id, as JSON-RPC asks; problems inside <c>params</c> are -32602 naming each field, and a
/// notification gets no answer for them.
/// </remarks>
internal static class CspRequestReader
{
    private const string NotText = "is not Unicode text: it holds a lone surrogate escape such as \\ud800";

    /// <summary>The call <paramref name="element"/> asks for, or null with <paramref name="rejection"/> saying why it cannot run.</summary>
    /// <param name="element">One request of the body.</param>
    /// <param name="callbackTargets">Where callbacks may go.</param>
    /// <param name="mayHoldSurrogateEscapes">Whether the body's text could hold a lone surrogate escape
    /// (<see cref="JsonText.MayHoldSurrogateEscapes"/>); only then are its strings walked to find one.</param>
    /// <param name="rejection">Why the request cannot run, when it cannot.</param>
    public static CspRequest? Read(JsonNode? element, CallbackTargets callbackTargets, bool mayHoldSurrogateEscapes, out CspRejection? rejection)
    {
        if (element is not JsonObject request)
            return Invalid(null, out rejection, $"a request must be a JSON object, not {Describe(element)}");

        var isNotification = !request.TryGetPropertyValue("id", out var id);
        if (id is not null && id.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
            return Invalid(null, out rejection, $"id must be a string, a number or null, not {Describe(id)}");
        request.TryGetPropertyValue("jsonrpc", out var version);
        var versionIsString = IsString(version, out var versionText);
        if (versionText != "2.0")
            return Invalid(id, out rejection, versionIsString ? "jsonrpc must be \"2.0\"" : $"jsonrpc must be the string \"2.0\", not {Describe(version)}");
        request.TryGetPropertyValue("method", out var method);
        request.TryGetPropertyValue("params", out var parameters);
        // A lone surrogate escape would fail later, when the value is read or logged: refuse it here, naming where it is.
        if (mayHoldSurrogateEscapes && (JsonText.FindInvalid(method, "method") ?? JsonText.FindInvalid(parameters, "params")) is { } notText)
        {
            rejection = new CspRejection(id, CspErrorCodes.InvalidParams, $"{notText} {NotText}", [new FieldError(notText, NotText)], isNotification);
            return null;
        }
        if (!IsString(method, out var connectorType) || connectorType.Length == 0)
            return Invalid(id, out rejection, "method must name a connector type: a non-empty string" + (method is null ? " (it is missing)" : $", not {Describe(method)}"));
        if (parameters is not null and not JsonObject)
            return Invalid(id, out rejection, $"params must be an object, not {Describe(parameters)}");

        List<FieldError>? errors = null;
        var input = ReadInput(parameters as JsonObject, ref errors);
        var operation = ReadString(parameters as JsonObject, "operation", ref errors);
        var callbackText = ReadString(parameters as JsonObject, "callbackUrl", ref errors);
        Uri? callbackUrl = null;
        if (!string.IsNullOrEmpty(callbackText) && callbackTargets.Check(callbackText, out callbackUrl) is { } problem)
            (errors ??= []).Add(new FieldError("params.callbackUrl", problem));
        if (errors is not null)
        {
            rejection = new CspRejection(id, CspErrorCodes.InvalidParams, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")), errors, isNotification);
            return null;
        }
        rejection = null;
        return new CspRequest(id, isNotification, connectorType, input!, operation, callbackUrl);
    }

    private static JsonObject? ReadInput(JsonObject? parameters, ref List<FieldError>? errors)
    {
        JsonNode? input = null;
        parameters?.TryGetPropertyValue("input", out input);
        switch (input)
        {
            case JsonObject value:
                return value;
            case null:
                (errors ??= []).Add(new FieldError("params.input", "is required: the connector's input as a JSON object"));
                return null;
            default:
                (errors ??= []).Add(new FieldError("params.input", $"must be a JSON object, not {Describe(input)}"));
                return null;
        }
    }

    private static string? ReadString(JsonObject? parameters, string name, ref List<FieldError>? errors)
    {
        JsonNode? node = null;
        parameters?.TryGetPropertyValue(name, out node);
        if (node is null)
            return null;
        if (IsString(node, out var text))
            return text;
        (errors ??= []).Add(new FieldError("params." + name, $"must be a string, not {Describe(node)}"));
        return null;
    }

    private static bool IsString(JsonNode? node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            text = value.GetValue<string>();
            return true;
        }
        text = "";
        return false;
    }

    private static CspRequest? Invalid(JsonNode? id, out CspRejection rejection, string problem)
    {
        rejection = new CspRejection(id, CspErrorCodes.InvalidRequest, problem, [], IsNotification: false);
        return null;
    }

    /// <summary>Names a JSON value's type for an error message, without echoing the value itself (it may be a secret).</summary>
    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => node.GetValue<string>().Length == 0 ? "an empty string" : "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
