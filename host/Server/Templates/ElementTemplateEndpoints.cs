using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary><c>GET /element-templates</c> (every connector's template) and <c>GET /element-templates/{connectorType}</c>, read from the catalog on each request so hot reloads show at once.</summary>
internal static class ElementTemplateEndpoints
{
    public static void MapElementTemplates(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/element-templates", (PluginCatalog catalog) =>
            Results.Json(new JsonArray(catalog.Connectors.Select(c => (JsonNode?)ElementTemplateBuilder.Build(c)).ToArray())));
        endpoints.MapGet("/element-templates/{connectorType}", (string connectorType, PluginCatalog catalog) =>
            catalog.Find(connectorType) is { } connector
                ? Results.Json(ElementTemplateBuilder.Build(connector))
                : Results.Json(new JsonObject { ["detail"] = $"no loaded connector has the type '{connectorType}'" }, statusCode: StatusCodes.Status404NotFound));
    }
}
