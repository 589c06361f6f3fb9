using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Switchboard.Abstractions;

/// <summary>What a plugin's connectors and lifecycle hooks receive once, when the plugin is loaded.</summary>
public interface IPluginContext
{
    /// <summary>The plugin's name: its folder's name.</summary>
    string PluginName { get; }

    /// <summary>The plugin's own folder.</summary>
    string PluginDirectory { get; }

    /// <summary>The plugin's configuration section (<c>Plugins:&lt;PluginName&gt;</c>).</summary>
    IConfiguration Configuration { get; }

    /// <summary>Creates loggers that write to the host's log.</summary>
    ILoggerFactory LoggerFactory { get; }
}
