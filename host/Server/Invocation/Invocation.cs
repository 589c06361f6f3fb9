using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Host.Invocation;

/// <summary>One call of one connector operation, as every protocol adapter hands it to the pipeline.</summary>
public sealed record Invocation(string ConnectorType, string? Operation, JsonObject? Input, Protocol Protocol)
{
    private JsonObject? _input = Input;

    /// <summary>The call's input as a JSON object; null for none.</summary>
    /// <remarks>An adapter that parsed its request hands the element over instead (<see cref="InputElement"/>): the
    /// binder reads it as it is, and this object is made from it only if something asks.</remarks>
    public JsonObject? Input
    {
        get => _input ??= InputElement is { ValueKind: JsonValueKind.Object } element ? JsonObject.Create(element) : null;
        init => _input = value;
    }

    /// <summary>The input as the element the adapter parsed from its request (an object), bound without a node tree;
    /// null when the adapter built <see cref="Input"/> itself. It may hold members that are no parameter (a Spiff body's
    /// reserved keys), which binding, as for any unknown member, ignores.</summary>
    internal JsonElement? InputElement { get; init; }

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
