using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;
using Switchboard.Host.Hosting;
using Switchboard.Host.Protocols.Spiff;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Host.Status;

namespace Switchboard.Host.Dashboard;

/// <summary>What the dashboard shows, as one JSON document: the plugins (as <c>/plugins</c> lists them), each
/// connector's operations with their input described by the same metadata the element templates are made from, where
/// each protocol can call them, and the recent calls.</summary>
internal sealed class DashboardState(PluginCatalog catalog, RecentCalls recentCalls, IServiceProvider services)
{
    private readonly ZeebeWorkers? _zeebe = services.GetService<ZeebeWorkers>();
    private readonly SpiffCommandIndex? _spiff = services.GetService<SpiffCommandIndex>();
    private readonly bool _csp = services.GetServices<ProtocolRoutes>().Any(r => r.Name == "csp");

    private long _builds;

    /// <summary>How many times the document was built: the live feed builds it once per change for all its clients
    /// (<see cref="DashboardFeed"/>), which this count shows.</summary>
    public long Builds => Interlocked.Read(ref _builds);

    /// <summary>The document as it is now.</summary>
    public JsonObject Build()
    {
        Interlocked.Increment(ref _builds);
        var plugins = StatusEndpoints.Describe(catalog, _zeebe);
        var pluginOf = catalog.Plugins.SelectMany(p => p.Connectors.Select(type => (type, p.Name))).ToDictionary(e => e.type, e => e.Name, StringComparer.Ordinal);
        return new JsonObject
        {
            ["protocols"] = new JsonObject
            {
                ["csp"] = _csp ? "/csp/connector" : null,
                ["spiff"] = _spiff is not null ? "/v1/do/" : null,
                ["zeebe"] = _zeebe?.Address is not null,
            },
            ["plugins"] = plugins,
            ["connectors"] = new JsonArray(catalog.Connectors.Select(c => (JsonNode?)Connector(c, pluginOf.GetValueOrDefault(c.Type))).ToArray()),
            ["recentCalls"] = new JsonArray(recentCalls.Snapshot().Select(call => (JsonNode?)new JsonObject
            {
                ["at"] = call.At.ToString("O"),
                ["connector"] = call.Connector,
                ["operation"] = call.Operation,
                ["protocol"] = call.Protocol.ToString(),
                ["outcome"] = call.Succeeded ? "success" : "error",
                ["durationMs"] = call.DurationMs,
                ["errorCode"] = call.ErrorCode,
                ["errorMessage"] = call.ErrorMessage,
            }).ToArray()),
        };
    }

    private JsonObject Connector(ConnectorMetadata connector, string? plugin) => new()
    {
        ["type"] = connector.Type,
        ["name"] = connector.Name,
        ["version"] = connector.Version,
        ["plugin"] = plugin,
        ["operations"] = new JsonArray(connector.Operations.Select(o => (JsonNode?)new JsonObject
        {
            ["id"] = o.Id,
            ["name"] = o.Name,
            ["description"] = o.Description,
            // Null when the Spiff adapter is not composed or the command id is one the backend keeps for itself.
            ["spiffCommand"] = _spiff?.Find(o.SpiffCommand) is { } command && command.Connector.Type == connector.Type ? o.SpiffCommand : null,
            ["timeoutSeconds"] = o.Timeout.TotalSeconds,
            ["input"] = Parameters(o.Input),
        }).ToArray()),
    };

    private static JsonArray Parameters(IReadOnlyList<ParameterMetadata> parameters) => new(parameters.Select(p => (JsonNode?)new JsonObject
    {
        ["id"] = p.Id,
        ["label"] = p.Label,
        ["description"] = p.Description,
        ["kind"] = p.Kind.ToString().ToLowerInvariant(),
        ["required"] = p.Required,
        ["nullable"] = p.Nullable,
        ["default"] = p.DefaultValue?.DeepClone(),
        ["secret"] = p.Secret,
        ["multiline"] = p.Multiline,
        ["choices"] = new JsonArray(p.Choices.Select(c => (JsonNode?)new JsonObject { ["value"] = c.Value, ["name"] = c.Name }).ToArray()),
        ["children"] = Parameters(p.Children),
    }).ToArray());
}
