using Microsoft.Extensions.Configuration;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A real catalog and pipeline over a sandbox folder, without HTTP.</summary>
public sealed class CatalogHarness : IAsyncDisposable
{
    private CatalogHarness(PluginSandbox sandbox, PluginCatalog catalog, LogCapture logs)
    {
        Sandbox = sandbox;
        Catalog = catalog;
        Logs = logs;
        Pipeline = new InvocationPipeline(catalog, logs);
    }

    public PluginSandbox Sandbox { get; }
    public PluginCatalog Catalog { get; }
    public InvocationPipeline Pipeline { get; }
    public LogCapture Logs { get; }

    public static async Task<CatalogHarness> StartAsync(Action<PluginSandbox> fill, bool watch = true, Action<CatalogOptions>? configure = null)
    {
        var harness = Create(fill, watch, configure);
        await harness.Catalog.StartAsync();
        return harness;
    }

    /// <summary>A harness whose catalog is not started yet, for tests that look at it while it starts.</summary>
    public static CatalogHarness Create(Action<PluginSandbox> fill, bool watch = true, Action<CatalogOptions>? configure = null)
    {
        var sandbox = new PluginSandbox();
        fill(sandbox);
        var options = new CatalogOptions
        {
            PluginsDirectory = sandbox.Directory,
            Watch = watch,
            QuietPeriod = TimeSpan.FromMilliseconds(300),
        };
        configure?.Invoke(options);
        var logs = new LogCapture();
        var catalog = new PluginCatalog(options, new ConfigurationBuilder().Build(), logs);
        return new CatalogHarness(sandbox, catalog, logs);
    }

    public PluginStatus Plugin(string name) => Catalog.Plugins.Single(p => p.Name == name);

    public async ValueTask DisposeAsync()
    {
        await Catalog.DisposeAsync();
        Sandbox.Dispose();
    }
}
