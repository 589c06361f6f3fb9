namespace Switchboard.Abstractions.Zeebe;

/// <summary>The Zeebe job a call serves: <c>context.Get&lt;ZeebeJob&gt;()</c> is set for calls made by the job
/// worker, null otherwise.</summary>
public sealed class ZeebeJob
{
    /// <summary>The job's key.</summary>
    public long Key { get; init; }

    /// <summary>Retries left on the job, counting this attempt.</summary>
    public int Retries { get; init; }

    /// <summary>The process instance the job belongs to.</summary>
    public long ProcessInstanceKey { get; init; }

    /// <summary>The BPMN process id of that instance's process.</summary>
    public string BpmnProcessId { get; init; } = "";

    /// <summary>The id of the BPMN element (the service task) that created the job.</summary>
    public string ElementId { get; init; } = "";

    /// <summary>When the job's lock ends and the gateway hands it to another worker.</summary>
    public DateTimeOffset Deadline { get; init; }
}
