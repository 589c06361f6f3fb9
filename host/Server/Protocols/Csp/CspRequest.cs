using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>One well-formed CSP call: a JSON-RPC request whose method is a connector type and whose params carry its input.</summary>
/// <param name="Id">The request's id, answered back as it came; null for a notification or a null id.</param>
/// <param name="RequestId">The id as the pipeline logs it: a string id as is, a number as written.</param>
/// <param name="IsNotification">Whether the request has no id member and so gets no answer.</param>
/// <param name="ConnectorType">The connector type the method names.</param>
/// <param name="Input">The connector's input: the request's own object element.</param>
/// <param name="Operation">The operation asked for, if any.</param>
/// <param name="CallbackUrl">Where to send the outcome of an asynchronous call, if any.</param>
internal sealed record CspRequest(JsonNode? Id, string? RequestId, bool IsNotification, string ConnectorType, JsonElement Input, string? Operation, Uri? CallbackUrl);

/// <summary>Why a request element cannot run: a -32600 envelope problem, or -32602 naming each bad field in <c>params</c>.</summary>
internal sealed record CspRejection(JsonNode? Id, int Code, string Problem, IReadOnlyList<FieldError> Fields, bool IsNotification)
{
    public JsonObject ToResponse() =>
        Fields.Count > 0 ? JsonRpcResponses.InvalidParams(Id, Fields) : JsonRpcResponses.Error(Id, Code, Problem);
}
