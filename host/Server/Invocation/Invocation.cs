using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Host.Invocation;

/// <summary>One call of one connector operation, as every protocol adapter hands it to the pipeline.</summary>
public sealed record Invocation(string ConnectorType, string? Operation, JsonObject? Input, Protocol Protocol)
{
    /// <summary>The operation as logs, metrics and spans show it: a single-operation connector's empty id as a visible,
    /// greppable word.</summary>
    internal string ShownOperation => string.IsNullOrEmpty(Operation) ? "(only)" : Operation;

    /// <summary>The caller's id for the call: JSON-RPC id, Zeebe job key or Spiff task id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Process instance key or id, where the caller sends it.</summary>
    public string? ProcessInstanceId { get; init; }

    /// <summary>The protocol's own details of the call (a <c>ZeebeJob</c>, a <c>SpiffTask</c>), which the connector reads with <c>context.Get&lt;T&gt;()</c>.</summary>
    public IReadOnlyList<object> Features { get; init; } = [];

    /// <summary>The first feature of type <typeparamref name="T"/>, or null (a loop: this runs on every call).</summary>
    internal T? Feature<T>() where T : class
    {
        for (var i = 0; i < Features.Count; i++)
            if (Features[i] is T feature)
                return feature;
        return null;
    }

    /// <summary>Secret values the adapter substituted into the input; masked like secret parameters.</summary>
    public IReadOnlyCollection<string> KnownSecrets { get; init; } = [];

    /// <summary>Overrides the operation's timeout (e.g. a job's remaining time).</summary>
    public TimeSpan? Timeout { get; init; }
}
