using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Host.Invocation;

/// <summary>One call of one connector operation, as every protocol adapter hands it to the pipeline.</summary>
public sealed record Invocation(string ConnectorType, string? Operation, JsonObject? Input, Protocol Protocol)
{
    /// <summary>The caller's id for the call: JSON-RPC id, Zeebe job key or Spiff task id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Zeebe job key, when called as a job worker.</summary>
    public long? JobKey { get; init; }

    /// <summary>Process instance key or id, where the caller sends it.</summary>
    public string? ProcessInstanceId { get; init; }

    /// <summary>Retries left on a Zeebe job.</summary>
    public int? Retries { get; init; }

    /// <summary>SpiffWorkflow task data handed to the connector's context.</summary>
    public JsonElement? TaskData { get; init; }

    /// <summary>Secret values the adapter substituted into the input; masked like secret parameters.</summary>
    public IReadOnlyCollection<string> KnownSecrets { get; init; } = [];

    /// <summary>Overrides the operation's timeout (e.g. a job's remaining time).</summary>
    public TimeSpan? Timeout { get; init; }
}
