using System.Text.Json.Nodes;

namespace Switchboard.Feel.Connectors;

/// <summary>What an <c>errorExpression</c> decided for the job.</summary>
public abstract record ErrorDecision
{
    /// <summary>No error: the job goes on as the connector's outcome says.</summary>
    public sealed record None : ErrorDecision;

    /// <summary>Throw a BPMN error (Zeebe ThrowError).</summary>
    public sealed record BpmnError(string Code, string Message, JsonObject Variables) : ErrorDecision;

    /// <summary>Fail the job (Zeebe FailJob) with these retries and backoff.</summary>
    public sealed record JobError(string Message, JsonObject Variables, int Retries, TimeSpan RetryBackoff) : ErrorDecision;

    /// <summary>Complete the job with these variables although the connector failed.</summary>
    public sealed record Ignore(JsonObject Variables) : ErrorDecision;

    /// <summary>The expression is broken or yields something unusable: fail the job without retries.</summary>
    public sealed record Invalid(string Message) : ErrorDecision;
}
