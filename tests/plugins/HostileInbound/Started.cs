namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>Tells a test the connector's plugin code is running: a file named after the activation in the plugin's folder.</summary>
internal static class Started
{
    public static void Mark(string pluginDirectory, string activationId) =>
        File.WriteAllText(Path.Combine(pluginDirectory, activationId + ".started"), "");
}
