using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>The catalog as CSP lists it: the reference's <c>{"type":"type"}</c> map, and one connector's details.</summary>
internal static class CspConnectorListing
{
    /// <summary>Keeps the reference's shape, values included, so no existing client can break.</summary>
    public static JsonObject List(PluginCatalog catalog)
    {
        var list = new JsonObject();
        foreach (var connector in catalog.Connectors)
            list[connector.Type] = connector.Type;
        return list;
    }

    /// <summary>What a caller needs to call the connector: its operations and their input fields.</summary>
    public static JsonObject Describe(ConnectorMetadata connector) => new()
    {
        ["type"] = connector.Type,
        ["name"] = connector.Name,
        ["description"] = connector.Description,
        ["version"] = connector.Version,
        ["operations"] = new JsonArray(connector.Operations.Select(o => (JsonNode?)new JsonObject
        {
            ["id"] = o.Id,
            ["name"] = o.Name,
            ["description"] = o.Description,
            ["timeoutSeconds"] = o.Timeout.TotalSeconds,
            ["longRunning"] = o.LongRunning,
            ["input"] = Parameters(o.Input),
        }).ToArray()),
    };

    private static JsonArray Parameters(IReadOnlyList<ParameterMetadata> parameters) => new(parameters.Select(p => (JsonNode?)new JsonObject
    {
        ["id"] = p.Id,
        ["kind"] = p.Kind.ToString().ToLowerInvariant(),
        ["required"] = p.Required,
        ["secret"] = p.Secret,
        ["choices"] = p.Choices.Count == 0 ? null : new JsonArray(p.Choices.Select(c => (JsonNode?)c.Value).ToArray()),
        ["fields"] = p.Children.Count == 0 ? null : Parameters(p.Children),
    }).ToArray());
}
