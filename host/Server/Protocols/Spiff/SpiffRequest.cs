using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>A <c>/v1/do</c> body split into the command's parameters and the backend's <c>spiff__*</c> keys that matter.</summary>
internal sealed record SpiffRequest(JsonObject Parameters)
{
    /// <summary><c>spiff__task_id</c>: the request id the connector sees.</summary>
    public string? TaskId { get; init; }

    /// <summary><c>spiff__process_instance_id</c>.</summary>
    public string? ProcessInstanceId { get; init; }

    /// <summary><c>spiff__task_data</c>, handed to the connector's context.</summary>
    public JsonElement? TaskData { get; init; }

    /// <summary><c>spiff__callback_url</c>: where a long-running command PUTs its result.</summary>
    public string? CallbackUrl { get; init; }
}
