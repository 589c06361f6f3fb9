using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary><c>GET /element-templates</c> (every template) and <c>GET /element-templates/{connectorType}</c> (an outbound
/// connector's template, or an inbound connector's array of them), read from the catalog on each request so hot reloads show at once.</summary>
internal static class ElementTemplateEndpoints
{
    public static void MapElementTemplates(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/element-templates", (PluginCatalog catalog) =>
            Results.Json(new JsonArray(ElementTemplates.All(catalog).Select(t => (JsonNode?)t).ToArray())));
        endpoints.MapGet("/element-templates/{connectorType}", (string connectorType, PluginCatalog catalog) =>
            catalog.Find(connectorType) is { } connector
                ? ZeebeInputTargets.Problem(connector) is { } problem
                    ? Results.Json(new JsonObject { ["detail"] = problem }, statusCode: StatusCodes.Status422UnprocessableEntity)
                    : Results.Json(ElementTemplateBuilder.Build(connector, ElementTemplateVersion.Of(catalog, connector.PluginName, connector.Version)))
                : catalog.InboundConnectors.FirstOrDefault(c => c.Type == connectorType) is { } inbound
                    // An inbound connector has one template per element kind.
                    ? Results.Json(new JsonArray(InboundElementTemplateBuilder.Build(inbound, ElementTemplateVersion.Of(catalog, inbound.PluginName, inbound.Version))
                        .Select(t => (JsonNode?)t).ToArray()))
                    : Results.Json(new JsonObject { ["detail"] = $"no loaded connector has the type '{Core.Outcomes.EscapedText.Quote(connectorType)}'" }, statusCode: StatusCodes.Status404NotFound));
    }
}
