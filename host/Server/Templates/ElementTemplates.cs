using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary>Every element template the loaded connectors give: one per outbound connector, then one per inbound
/// connector and element kind.</summary>
internal static class ElementTemplates
{
    public static IEnumerable<JsonObject> All(PluginCatalog catalog) =>
        catalog.Connectors.Select(ElementTemplateBuilder.Build).Concat(catalog.InboundConnectors.SelectMany(InboundElementTemplateBuilder.Build));
}
