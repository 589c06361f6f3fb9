using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Templates;

/// <summary>A plugins folder with every shipped plugin and the multi-operation probe fixture.</summary>
public sealed class TemplatePlugins : IDisposable
{
    public TemplatePlugins()
    {
        Sandbox.Add(Repository.ShippedPlugin("Calculator"));
        Sandbox.Add(Repository.ShippedPlugin("Log"));
        Sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
    }

    public PluginSandbox Sandbox { get; } = new();

    public void Dispose() => Sandbox.Dispose();
}
