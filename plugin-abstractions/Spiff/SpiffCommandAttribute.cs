namespace Switchboard.Abstractions.Spiff;

/// <summary>The SpiffWorkflow command id (<c>plugin/Command</c>) a connector or one of its operations is published under
/// by the connector-proxy protocol; without it the id is derived from the plugin and operation names.</summary>
/// <remarks>On a class it names the command of a single-operation connector (and gives the prefix of the others); on an
/// operation method it names that operation's command. Only the SpiffWorkflow protocol reads it.</remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
public sealed class SpiffCommandAttribute : Attribute
{
    /// <summary>Publishes the connector or operation as <paramref name="id"/>, e.g. <c>calculator/Calculate</c>.</summary>
    public SpiffCommandAttribute(string id) => Id = id;

    /// <summary>The command id, <c>plugin/Command</c>.</summary>
    public string Id { get; }
}
