using Switchboard.Host.Catalog;

namespace Switchboard.Host.Hosting;

/// <summary>Loads the plugins before the HTTP endpoints start and unloads them, after their calls, at shutdown.</summary>
internal sealed class CatalogHostedService(PluginCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => catalog.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => catalog.StopAsync(cancellationToken);
}
