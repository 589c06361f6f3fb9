using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Templates;

/// <summary>Every element template the loaded connectors give: one per outbound connector whose fields Zeebe can bind
/// (<see cref="ZeebeInputTargets"/>), then one per inbound connector and element kind.</summary>
internal static class ElementTemplates
{
    public static IEnumerable<JsonObject> All(PluginCatalog catalog) =>
        catalog.Connectors.Where(c => ZeebeInputTargets.Problem(c) is null).Select(c => ElementTemplateBuilder.Build(c, ElementTemplateVersion.Of(catalog, c.PluginName, c.Version)))
            .Concat(catalog.InboundConnectors.SelectMany(c => InboundElementTemplateBuilder.Build(c, ElementTemplateVersion.Of(catalog, c.PluginName, c.Version))));

    /// <summary>Why each loaded outbound connector that has no template has none (each reason names its connector).</summary>
    public static IEnumerable<string> Withheld(PluginCatalog catalog) =>
        catalog.Connectors.Select(ZeebeInputTargets.Problem).OfType<string>();
}
