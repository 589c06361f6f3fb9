namespace Switchboard.Abstractions;

/// <summary>Marks a public method of a connector as one of its operations.</summary>
/// <remarks>
/// The method takes the input type first and optionally an <see cref="IConnectorContext"/>, and returns
/// the output, a <see cref="Task{TResult}"/> or <see cref="ValueTask{TResult}"/> of it, or a plain task
/// for no output. A connector with one operation may leave <see cref="Id"/> empty.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class OperationAttribute : Attribute
{
    /// <summary>Declares the connector's only operation.</summary>
    public OperationAttribute() : this("") { }

    /// <summary>Declares an operation selected by <paramref name="id"/> (Camunda's <c>operation</c> header, CSP <c>params.operation</c>).</summary>
    public OperationAttribute(string id) => Id = id;

    /// <summary>Operation id; empty for the single operation of a connector.</summary>
    public string Id { get; }

    /// <summary>Display name of the operation.</summary>
    public string? Name { get; set; }

    /// <summary>One-sentence description of the operation.</summary>
    public string? Description { get; set; }

    /// <summary>SpiffWorkflow command id (<c>plugin/Command</c>) serving this operation.</summary>
    [Obsolete("Use [SpiffCommand(\"plugin/Command\")] from Switchboard.Abstractions.Spiff: protocol settings live beside the protocol.")]
    public string? SpiffCommand { get; set; }

    /// <summary>Longest a call may run, in seconds; 0 uses the connector's setting. The host's timers reach about 49
    /// days (4,294,967 s): a longer timeout is held to that.</summary>
    public int TimeoutSeconds { get; set; }

    /// <summary>Whether this operation may outlast a synchronous HTTP request.</summary>
    public bool LongRunning { get; set; }
}
