using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>One well-formed CSP call: a JSON-RPC request whose method is a connector type and whose params carry its input.</summary>
internal sealed record CspRequest(JsonNode? Id, bool IsNotification, string ConnectorType, JsonObject Input, string? Operation, Uri? CallbackUrl)
{
    /// <summary>The id as the pipeline logs it: a string id as is, a number as written.</summary>
    public string? RequestId => Id switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => Id.ToJsonString(),
    };
}

/// <summary>Why a request element cannot run: a -32600 envelope problem, or -32602 naming each bad field in <c>params</c>.</summary>
internal sealed record CspRejection(JsonNode? Id, int Code, string Problem, IReadOnlyList<FieldError> Fields, bool IsNotification)
{
    public JsonObject ToResponse() =>
        Fields.Count > 0 ? JsonRpcResponses.InvalidParams(Id, Fields) : JsonRpcResponses.Error(Id, Code, Problem);
}
