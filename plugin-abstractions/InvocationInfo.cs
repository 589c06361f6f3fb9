using System.Text.Json;

namespace Switchboard.Abstractions;

/// <summary>What is known about the call being served: protocol, connector and the caller's ids.</summary>
public sealed class InvocationInfo
{
    /// <summary>Protocol the call arrived on.</summary>
    public Protocol Protocol { get; init; }

    /// <summary>Connector type being invoked.</summary>
    public string ConnectorType { get; init; } = "";

    /// <summary>Operation id; empty for a single-operation connector.</summary>
    public string Operation { get; init; } = "";

    /// <summary>Id of the request as the caller knows it: JSON-RPC id, Zeebe job key or Spiff task id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Zeebe job key, when called as a job worker.</summary>
    [Obsolete("Read context.Get<Switchboard.Abstractions.Zeebe.ZeebeJob>()?.Key: protocol details live in features.")]
    public long? JobKey { get; init; }

    /// <summary>Process instance key (Zeebe) or id (SpiffWorkflow), where the caller sends it.</summary>
    public string? ProcessInstanceId { get; init; }

    /// <summary>Retries left on the Zeebe job.</summary>
    [Obsolete("Read context.Get<Switchboard.Abstractions.Zeebe.ZeebeJob>()?.Retries: protocol details live in features.")]
    public int? Retries { get; init; }

    /// <summary>Task data the SpiffWorkflow backend sent with the call (<c>spiff__task_data</c>).</summary>
    [Obsolete("Read context.Get<Switchboard.Abstractions.Spiff.SpiffTask>()?.TaskData: protocol details live in features.")]
    public JsonElement? TaskData { get; init; }
}
