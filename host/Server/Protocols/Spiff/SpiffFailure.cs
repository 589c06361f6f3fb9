using System.Text.Json.Nodes;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>A failure as the backend sees it: <c>command_response.http_status</c>, <c>error.error_code</c> and message.</summary>
internal sealed record SpiffFailure(int HttpStatus, string Code, string Message)
{
    /// <summary>Each failing input field, for <c>InvalidParameters</c>.</summary>
    public IReadOnlyList<FieldError> Fields { get; init; } = [];

    /// <summary>Extra data the connector attached to its error.</summary>
    public JsonNode? Data { get; init; }
}
