using Switchboard.Core.Binding;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Describing;

/// <summary>An inbound connector type described once: its metadata, the shape of its activation properties, and how to
/// make an instance of it for an activation.</summary>
internal sealed class InboundDefinition(InboundConnectorMetadata metadata, Type connectorType, Type propertiesType, ObjectModel properties,
    System.Reflection.MethodInfo handle, Func<object> create)
{
    public InboundConnectorMetadata Metadata { get; } = metadata;

    /// <summary>The plugin's class.</summary>
    public Type ConnectorType { get; } = connectorType;

    /// <summary>The class the activation properties bind to (<c>TProperties</c> of the connector's interface).</summary>
    public Type PropertiesType { get; } = propertiesType;

    /// <summary>How the activation properties bind (ids are the property names, e.g. <c>inbound.method</c>).</summary>
    public ObjectModel Properties { get; } = properties;

    /// <summary>The interface method the host calls (<c>HandleAsync</c>, <c>PollAsync</c> or <c>RunAsync</c>, by kind), looked up once.</summary>
    public System.Reflection.MethodInfo Handle { get; } = handle;

    /// <summary>Creates an instance, by the same constructor rule as outbound connectors; the caller disposes it.</summary>
    public object Create() => create();

    /// <summary>Calls <see cref="Handle"/> on <paramref name="instance"/> without wrapping what it throws: the task it
    /// returns, or null when it returned none.</summary>
    public object? Invoke(object instance, params object?[] arguments) =>
        Handle.Invoke(instance, System.Reflection.BindingFlags.DoNotWrapExceptions, null, arguments, null);
}
