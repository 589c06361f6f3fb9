using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;

namespace Switchboard.Tests.Pipeline;

/// <summary>Connector classes, outbound or inbound, described as the catalog describes a plugin's, each with a type model of its own.</summary>
internal static class Described
{
    /// <summary>The definition of outbound connector class <paramref name="type"/> of a plugin named <paramref name="plugin"/>.</summary>
    public static ConnectorDefinition Connector(Type type, string plugin = "Test") => Describer(plugin).DescribeConnector(type);

    /// <summary>The definition of inbound connector class <paramref name="type"/> of a plugin named <paramref name="plugin"/>.</summary>
    public static InboundDefinition Inbound(Type type, string plugin = "Test") => Describer(plugin).DescribeInbound(type);

    private static ConnectorDescriber Describer(string plugin)
    {
        var models = new TypeModels();
        return new ConnectorDescriber(models, new OutputWriter(models), new TestPluginContext(plugin), TimeSpan.FromSeconds(30));
    }
}
