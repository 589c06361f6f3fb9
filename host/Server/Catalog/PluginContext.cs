using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Host.Catalog;

/// <summary>The host's side of <see cref="IPluginContext"/>.</summary>
internal sealed class PluginContext(string name, string directory, IConfiguration configuration, ILoggerFactory loggerFactory) : IPluginContext
{
    public string PluginName { get; } = name;
    public string PluginDirectory { get; } = directory;
    public IConfiguration Configuration { get; } = configuration;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
