using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Status;

/// <summary>The catalog's part of <c>GET /health</c>: how many plugins are loaded and failed. A failed plugin does not
/// make the host unhealthy (every other plugin serves); <c>GET /plugins</c> says why it failed.</summary>
internal sealed class CatalogHealthCheck(PluginCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var plugins = catalog.Plugins;
        return Task.FromResult(HealthDetails.Healthy(new JsonObject
        {
            ["plugins"] = plugins.Count,
            ["loaded"] = plugins.Count(p => p.State == PluginState.Loaded),
            ["failed"] = plugins.Count(p => p.State == PluginState.Failed),
        }));
    }
}
