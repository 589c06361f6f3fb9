using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>A <c>/v1/do</c> body: the command's parameters and the backend's <c>spiff__*</c> keys that matter.</summary>
/// <param name="Body">The body, a JSON object: the parameters, and the reserved keys when <paramref name="HasReservedKeys"/>.</param>
/// <param name="HasReservedKeys">Whether a member's name is, or may be, a reserved key.</param>
internal sealed record SpiffRequest(JsonElement Body, bool HasReservedKeys)
{
    /// <summary>The input for <paramref name="command"/>: the body as it is, bound as the parsed element without a node
    /// tree, unless the command names a parameter that a reserved key could fill; then a new object of the parameters
    /// alone, as reserved keys are never parameters.</summary>
    public (JsonElement? Element, JsonObject? Nodes) InputFor(SpiffCommand command) =>
        HasReservedKeys && command.NamesReservedParameter ? (null, SpiffRequestReader.Parameters(Body)) : (Body, null);

    /// <summary><c>spiff__task_id</c>: the request id the connector sees.</summary>
    public string? TaskId { get; init; }

    /// <summary><c>spiff__process_instance_id</c>.</summary>
    public string? ProcessInstanceId { get; init; }

    /// <summary><c>spiff__task_data</c>, handed to the connector's context.</summary>
    public JsonElement? TaskData { get; init; }

    /// <summary><c>spiff__callback_url</c>: where a long-running command PUTs its result.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Why <c>spiff__callback_url</c> cannot be a URL at all (it is no string); null when it is one or is missing.</summary>
    public string? CallbackUrlProblem { get; init; }
}
