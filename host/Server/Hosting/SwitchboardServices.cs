namespace Switchboard.Host.Hosting;

/// <summary>The executable's command line: switches that map onto configuration keys.</summary>
internal static class SwitchboardServices
{
    /// <summary>Command-line switches that map onto configuration keys.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--plugins"] = "Switchboard:Catalog:PluginsDirectory",
    };
}
