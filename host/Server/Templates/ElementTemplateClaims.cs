using Switchboard.Core.Metadata;

namespace Switchboard.Host.Templates;

/// <summary>The element template ids connectors take, and whether two connectors would take one id.</summary>
/// <remarks>
/// An id is the connector type with ':' read as '.' and its version dropped (<see cref="ElementTemplateIds.TemplateId"/>),
/// kept so for the ids' stability; but so <c>io.switchboard:calculator:1</c> and another plugin's
/// <c>io.switchboard.calculator:7</c> took one id and one version, were both listed, and <c>templates --out</c> wrote one
/// over the other. The catalog refuses the connector that would take an id another connector holds (as it refuses a
/// type another plugin serves), naming both; two versions of one connector share their id, as the Modeler expects.
/// </remarks>
internal static class ElementTemplateClaims
{
    /// <summary>One template id a connector takes; <paramref name="Owner"/> is what another claim of the id must equal.</summary>
    public readonly record struct Claim(string Id, string Owner, string Type, string Plugin);

    /// <summary>The id of an outbound connector's template.</summary>
    public static IEnumerable<Claim> Of(ConnectorMetadata connector) =>
        [new(ElementTemplateIds.TemplateId(connector.Type), ElementTemplateIds.Lineage(connector.Type), connector.Type, connector.PluginName)];

    /// <summary>The ids of an inbound connector's templates, one per element kind.</summary>
    public static IEnumerable<Claim> Of(InboundConnectorMetadata connector) => InboundElementTemplateBuilder.IdSuffixes.Select(suffix =>
        new Claim(ElementTemplateIds.InboundTemplateId(connector.Type, suffix), "inbound " + ElementTemplateIds.Lineage(connector.Type) + " " + suffix,
            connector.Type, connector.PluginName));

    /// <summary>The first of <paramref name="claims"/> whose id a claim of <paramref name="held"/> with another owner holds, with that claim.</summary>
    public static (Claim Claim, Claim Holder)? Collision(IEnumerable<Claim> claims, IEnumerable<Claim> held)
    {
        var holders = new Dictionary<string, Claim>(StringComparer.Ordinal);
        foreach (var claim in held)
            holders.TryAdd(claim.Id, claim);
        foreach (var claim in claims)
            if (holders.TryGetValue(claim.Id, out var holder) && holder.Owner != claim.Owner)
                return (claim, holder);
        return null;
    }

    /// <summary>Says what a collision is, and why the two ids are one.</summary>
    public static string Describe(Claim claim, Claim holder) =>
        $"connector type '{claim.Type}' would get element template id '{claim.Id}', already that of connector type '{holder.Type}' " +
        $"of plugin '{holder.Plugin}' (a template id is the type with ':' read as '.' and its version dropped)";
}
