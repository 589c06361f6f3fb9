using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary>Every element template the loaded connectors give: one per outbound connector, then one per inbound
/// connector and element kind.</summary>
internal static class ElementTemplates
{
    public static IEnumerable<JsonObject> All(PluginCatalog catalog) =>
        catalog.Connectors.Select(c => ElementTemplateBuilder.Build(c, ElementTemplateVersion.Of(catalog, c.PluginName, c.Version)))
            .Concat(catalog.InboundConnectors.SelectMany(c => InboundElementTemplateBuilder.Build(c, ElementTemplateVersion.Of(catalog, c.PluginName, c.Version))));
}
