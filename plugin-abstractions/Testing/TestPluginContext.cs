using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Testing;

/// <summary>The plugin context a connector's constructor receives in tests.</summary>
internal sealed class TestPluginContext(string pluginName, string pluginDirectory, IConfiguration configuration, ILoggerFactory loggerFactory) : IPluginContext
{
    public string PluginName { get; } = pluginName;
    public string PluginDirectory { get; } = pluginDirectory;
    public IConfiguration Configuration { get; } = configuration;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
