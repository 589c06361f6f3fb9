using Switchboard.Host.Callbacks;
using System.Text;
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

    /// <summary>The call <paramref name="element"/> asks for, or null with <paramref name="rejection"/> saying why it cannot run.</summary>
    /// <param name="element">One request of the body.</param>
    /// <param name="callbackTargets">Where callbacks may go.</param>
    /// <param name="mayHoldSurrogateEscapes">Whether the body's text could hold a lone surrogate escape
    /// (<see cref="JsonText.MayHoldSurrogateEscapes"/>); only then are its strings walked to find one.</param>
    /// <param name="rejection">Why the request cannot run, when it cannot.</param>
    /// <remarks>Reads the parsed element itself: only the input becomes a <see cref="JsonObject"/> (the pipeline's
    /// form), so the envelope and <c>params</c> cost no tree of their own on every call.</remarks>
    public static CspRequest? Read(JsonElement element, CallbackTargets callbackTargets, bool mayHoldSurrogateEscapes, out CspRejection? rejection)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return Invalid(null, out rejection, $"a request must be a JSON object, not {Describe(element)}");

        var isNotification = !element.TryGetProperty("id"u8, out var idElement);
        if (!isNotification && idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            return Invalid(null, out rejection, $"id must be a string, a number or null, not {Describe(idElement)}");
        // An id that is no Unicode text cannot be read, nor echoed: the request is answered as one without an id.
        if (mayHoldSurrogateEscapes && !isNotification && !ReadsAsText(idElement))
            return Invalid(null, out rejection, "id " + JsonText.NotText);
        // The id goes back in the answer as it came; a JSON null id is no id.
        var id = isNotification || idElement.ValueKind == JsonValueKind.Null ? null : JsonValue.Create(idElement);
        var version = Property(element, "jsonrpc"u8);
        if (version is not { ValueKind: JsonValueKind.String } || (mayHoldSurrogateEscapes && !ReadsAsText(version.Value)) || !version.Value.ValueEquals("2.0"))
            return Invalid(id, out rejection, version?.ValueKind == JsonValueKind.String ? "jsonrpc must be \"2.0\"" : $"jsonrpc must be the string \"2.0\", not {Describe(version)}");
        var method = Property(element, "method"u8);
        var parameters = Property(element, "params"u8);
        // A lone surrogate escape would fail later, when the value is read or logged: refuse it here, naming where it is
        // (walked as nodes, only for the rare body whose text may hold one).
        if (mayHoldSurrogateEscapes && (JsonText.FindInvalid(method is { } m ? ElementNode.Over(m) : null, "method")
                ?? JsonText.FindInvalid(parameters is { } p ? ElementNode.Over(p) : null, "params")) is { } notText)
        {
            rejection = new CspRejection(id, CspErrorCodes.InvalidParams, $"{notText} {JsonText.NotText}", [new FieldError(notText, JsonText.NotText)], isNotification);
            return null;
        }
        if (method is not { ValueKind: JsonValueKind.String } || method.Value.GetString() is not { Length: > 0 } connectorType)
            return Invalid(id, out rejection, "method must name a connector type: a non-empty string" + (method is null ? " (it is missing)" : $", not {Describe(method)}"));
        if (parameters is { ValueKind: not JsonValueKind.Object })
            return Invalid(id, out rejection, $"params must be an object, not {Describe(parameters)}");

        List<FieldError>? errors = null;
        var input = ReadInput(parameters, ref errors);
        var operation = ReadString(parameters, "operation"u8, ref errors);
        var callbackText = ReadString(parameters, "callbackUrl"u8, ref errors);
        Uri? callbackUrl = null;
        // An empty string is a callback URL that cannot be used, refused as any other, not a synchronous call.
        if (callbackText is not null && callbackTargets.Check(callbackText, out callbackUrl) is { } problem)
            (errors ??= []).Add(new FieldError("params.callbackUrl", problem));
        if (errors is not null)
        {
            rejection = new CspRejection(id, CspErrorCodes.InvalidParams, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")), errors, isNotification);
            return null;
        }
        rejection = null;
        // Read from the element: writing the id node back out as text would cost a writer per call.
        var requestId = id is null ? null : idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : idElement.GetRawText();
        return new CspRequest(id, requestId, isNotification, connectorType, input, operation, callbackUrl);
    }

    // Whether a string reads as Unicode text: comparing or reading one that holds a lone surrogate escape throws.
    private static bool ReadsAsText(JsonElement value) =>
        value.ValueKind != JsonValueKind.String || JsonText.FindInvalid(ElementNode.Over(value)) is null;

    // A member's value; null when it is missing or JSON null, which the protocol treats alike. Names are UTF-8, as the
    // parsed body is: a name given as text is transcoded on every look-up.
    private static JsonElement? Property(JsonElement? parent, ReadOnlySpan<byte> name) =>
        parent is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var member) && member.ValueKind != JsonValueKind.Null
            ? member
            : null;

    private static JsonElement ReadInput(JsonElement? parameters, ref List<FieldError>? errors)
    {
        switch (Property(parameters, "input"u8))
        {
            case { ValueKind: JsonValueKind.Object } value:
                return value;
            case null:
                (errors ??= []).Add(new FieldError("params.input", "is required: the connector's input as a JSON object"));
                return default;
            case var other:
                (errors ??= []).Add(new FieldError("params.input", $"must be a JSON object, not {Describe(other)}"));
                return default;
        }
    }

    private static string? ReadString(JsonElement? parameters, ReadOnlySpan<byte> name, ref List<FieldError>? errors)
    {
        switch (Property(parameters, name))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.String } value:
                return value.GetString();
            case var other:
                (errors ??= []).Add(new FieldError("params." + Encoding.UTF8.GetString(name), $"must be a string, not {Describe(other)}"));
                return null;
        }
    }

    private static CspRequest? Invalid(JsonNode? id, out CspRejection rejection, string problem)
    {
        rejection = new CspRejection(id, CspErrorCodes.InvalidRequest, problem, [], IsNotification: false);
        return null;
    }

    /// <summary>Names a JSON value's type for an error message, without echoing the value itself (it may be a secret).</summary>
    private static string Describe(JsonElement? element) => element?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => element.Value.ValueEquals(""u8) ? "an empty string" : "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };
}
