using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Switchboard.Abstractions;

/// <summary>What a plugin's connectors and lifecycle hooks receive once, when the plugin is loaded.</summary>
public interface IPluginContext
{
    /// <summary>The plugin's name: its folder's name.</summary>
    string PluginName { get; }

    /// <summary>The plugin's own folder, to read the files deployed with it.</summary>
    /// <remarks>Treat it as read-only: the host watches it, and a file written there is a new version of the plugin,
    /// which is then reloaded (a plugin writing state there at every start would reload without end). Keep state
    /// elsewhere.</remarks>
    string PluginDirectory { get; }

    /// <summary>The plugin's configuration section (<c>Plugins:&lt;PluginName&gt;</c>).</summary>
    IConfiguration Configuration { get; }

    /// <summary>Creates loggers that write to the host's log.</summary>
    ILoggerFactory LoggerFactory { get; }
}
