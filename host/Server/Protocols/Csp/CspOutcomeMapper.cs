using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Turns a pipeline outcome into its JSON-RPC response: the result envelope, or the error form.</summary>
/// <remarks>
/// Unknown connector or operation: -32601. Binding or validation failure: -32602 with <c>data.validationErrors</c>.
/// A connector's own error keeps its message; JSON-RPC codes are integers, so an integer code the connector chose
/// (outside the reserved -32768..-32000) is the JSON-RPC code, and any other code maps to -32602 for input errors
/// and -32000 for the rest, with the connector's code in <c>data.errorCode</c>. Timeouts, cancellations and
/// crashes: -32603. Every error carries <c>data.errorCode</c>, <c>data.errorMessage</c> and <c>data.retryable</c>.
/// </remarks>
internal static class CspOutcomeMapper
{
    public static JsonObject ToResponse(JsonNode? id, Outcome outcome) =>
        outcome.Error is { } error ? ToResponse(id, error) : JsonRpcResponses.Success(id, outcome.Output, outcome.Response?.StatusCode ?? 200);

    public static JsonObject ToResponse(JsonNode? id, InvocationError error)
    {
        var data = new JsonObject
        {
            ["errorCode"] = error.Code,
            ["errorMessage"] = error.Message,
            ["retryable"] = error.Retryable,
        };
        var (code, connectorsOwn) = CodeOf(error);
        if (code == CspErrorCodes.InvalidParams || error.FieldErrors.Count > 0)
            data["validationErrors"] = JsonRpcResponses.ValidationErrors(error.FieldErrors);
        if (error.Data is { } details)
            data["details"] = details.Parent is null ? details : details.DeepClone();
        var message = connectorsOwn ? error.Message : CspErrorCodes.MessageOf(code);
        return JsonRpcResponses.Error(id, code, message, data);
    }

    private static (int Code, bool ConnectorsOwn) CodeOf(InvocationError error) => error.Kind switch
    {
        ErrorKind.UnknownConnector or ErrorKind.UnknownOperation => (CspErrorCodes.MethodNotFound, false),
        ErrorKind.InvalidInput when error.Code == JsonRpcResponses.InvalidParametersCode => (CspErrorCodes.InvalidParams, false),
        ErrorKind.InvalidInput => (IntegerCodeOf(error.Code) ?? CspErrorCodes.InvalidParams, true),
        ErrorKind.ConnectorError => (IntegerCodeOf(error.Code) ?? CspErrorCodes.ConnectorError, true),
        _ => (CspErrorCodes.InternalError, false),
    };

    private static int? IntegerCodeOf(string code) =>
        int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && !CspErrorCodes.IsReserved(value)
            ? value
            : null;
}
