using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Switchboard.Host.Catalog;
using Switchboard.Core.Metadata;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Host.Status;

/// <summary><c>GET /health</c> and <c>GET /plugins</c>: whether the host serves, and what each plugin is doing.</summary>
internal static class StatusEndpoints
{
    public static void MapStatusEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Built from the health checks each part registers (catalog, and each protocol added); degraded still answers 200.
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthDetails.WriteAsync });
        // The Zeebe adapter is optional: a host composed without it lists no worker state.
        endpoints.MapGet("/plugins", (PluginCatalog catalog, IServiceProvider services) => Results.Json(Describe(catalog, services.GetService<ZeebeWorkers>())));
    }

    /// <summary>Every plugin as <c>/plugins</c> lists it (the dashboard shows the same).</summary>
    internal static JsonArray Describe(PluginCatalog catalog, ZeebeWorkers? zeebe)
    {
        // The open worker of each type: a redeployed connector's type may also have one still closing.
        var workers = zeebe?.OpenWorkers ?? new Dictionary<string, JobWorker>();
        var connectors = catalog.Connectors.ToDictionary(c => c.Type);
        var result = new JsonArray();
        foreach (var plugin in catalog.Plugins)
        {
            result.Add(new JsonObject
            {
                ["name"] = plugin.Name,
                ["state"] = Name(plugin.State),
                ["reason"] = plugin.Reason,
                ["version"] = plugin.Version,
                ["generation"] = plugin.Generation,
                ["loadedAt"] = plugin.LoadedAt?.ToString("O"),
                ["connectors"] = new JsonArray(plugin.Connectors
                    .Select(type => connectors.TryGetValue(type, out var c) ? Connector(c, zeebe, workers.GetValueOrDefault(type)) : new JsonObject { ["type"] = type })
                    .ToArray<JsonNode?>()),
                ["inboundConnectors"] = new JsonArray(plugin.InboundConnectors.Select(type => (JsonNode?)type).ToArray()),
                ["previousGenerations"] = new JsonArray(plugin.PreviousGenerations
                    .Select(g => new JsonObject { ["generation"] = g.Generation, ["state"] = Name(g.State), ["reason"] = g.Reason })
                    .ToArray<JsonNode?>()),
                ["leakedGenerations"] = plugin.LeakedGenerations,
                ["history"] = new JsonArray(plugin.History
                    .Select(e => new JsonObject { ["at"] = e.At.ToString("O"), ["what"] = e.What })
                    .ToArray<JsonNode?>()),
                ["isolation"] = plugin.Worker is { } worker
                    ? new JsonObject { ["mode"] = "process", ["processId"] = worker.ProcessId, ["workingSetBytes"] = worker.WorkingSetBytes, ["cpuSeconds"] = worker.CpuSeconds }
                    // Configured for a worker that does not serve it now (failed, or still loading): no process to name.
                    : new JsonObject { ["mode"] = plugin.Isolated ? "process" : "inprocess" },
            });
        }
        return result;
    }

    private static JsonObject Connector(ConnectorMetadata connector, ZeebeWorkers? zeebe, JobWorker? worker) => new()
    {
        ["type"] = connector.Type,
        ["zeebe"] = zeebe is null ? null : new JsonObject
        {
            ["jobType"] = connector.Type,
            ["worker"] = zeebe.Address is null ? "off" : worker is null ? "opening" : worker.LastError is null ? "polling" : "retrying",
            ["activeJobs"] = worker?.Active ?? 0,
        },
        ["name"] = connector.Name,
        ["version"] = connector.Version,
        ["operations"] = new JsonArray(connector.Operations
            .Select(o => new JsonObject { ["id"] = o.Id, ["name"] = o.Name, ["spiffCommand"] = o.SpiffCommand, ["timeoutSeconds"] = o.Timeout.TotalSeconds })
            .ToArray<JsonNode?>()),
    };

    private static string Name(PluginState state) => state.ToString().ToLowerInvariant();
}
