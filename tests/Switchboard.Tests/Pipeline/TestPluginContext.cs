using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Abstractions;

namespace Switchboard.Tests.Pipeline;

/// <summary>The plugin a connector described in a test belongs to: a name, the test's folder, empty configuration.</summary>
internal sealed class TestPluginContext(string name) : IPluginContext
{
    public string PluginName => name;
    public string PluginDirectory => AppContext.BaseDirectory;
    public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    public Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;
}
