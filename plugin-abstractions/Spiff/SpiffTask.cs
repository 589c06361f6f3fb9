using System.Text.Json;

namespace Switchboard.Abstractions.Spiff;

/// <summary>The SpiffWorkflow task a call serves: <c>context.Get&lt;SpiffTask&gt;()</c> is set for calls that came
/// through the connector proxy, null otherwise.</summary>
public sealed class SpiffTask
{
    /// <summary>The task id the backend sent (<c>spiff__task_id</c>).</summary>
    public string? TaskId { get; init; }

    /// <summary>The process instance id the backend sent (<c>spiff__process_instance_id</c>).</summary>
    public string? ProcessInstanceId { get; init; }

    /// <summary>The task data the backend sent (<c>spiff__task_data</c>).</summary>
    public JsonElement? TaskData { get; init; }
}
