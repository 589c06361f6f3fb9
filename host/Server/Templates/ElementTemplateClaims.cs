using Switchboard.Core.Metadata;

namespace Switchboard.Host.Templates;

/// <summary>The element template ids and contract versions connectors take, and whether two connectors would take one
/// template.</summary>
/// <remarks>
/// An id is the connector type with ':' read as '.' and its version dropped (<see cref="ElementTemplateIds.TemplateId"/>),
/// kept so for the ids' stability; but so <c>io.switchboard:calculator:1</c> and another plugin's
/// <c>io.switchboard.calculator:7</c> took one id and one version, were both listed, and <c>templates --out</c> wrote one
/// over the other. The catalog refuses the connector that would take an id another connector holds (as it refuses a
/// type another plugin serves), naming both; two versions of one connector share their id, as the Modeler expects, but
/// not their contract version: <c>io.x:thing:1</c> and <c>io.x:thing:2</c> both left at <c>Version = 1</c> gave two
/// different templates under one id and version, and the Modeler refused the second.
/// </remarks>
internal static class ElementTemplateClaims
{
    /// <summary>One template id a connector takes; <paramref name="Owner"/> is what another claim of the id must equal,
    /// and <paramref name="Version"/> (the contract version) what it must differ in unless it is the same type.</summary>
    public readonly record struct Claim(string Id, string Owner, string Type, string Plugin, int Version);

    /// <summary>The id of an outbound connector's template.</summary>
    public static IEnumerable<Claim> Of(ConnectorMetadata connector) =>
        [new(ElementTemplateIds.TemplateId(connector.Type), ElementTemplateIds.Lineage(connector.Type), connector.Type, connector.PluginName, connector.Version)];

    /// <summary>The ids of an inbound connector's templates, one per element kind.</summary>
    public static IEnumerable<Claim> Of(InboundConnectorMetadata connector) => InboundElementTemplateBuilder.IdSuffixes.Select(suffix =>
        new Claim(ElementTemplateIds.InboundTemplateId(connector.Type, suffix), "inbound " + ElementTemplateIds.Lineage(connector.Type) + " " + suffix,
            connector.Type, connector.PluginName, connector.Version));

    /// <summary>The first of <paramref name="claims"/> that collides with a claim of <paramref name="held"/>, with that
    /// claim: the same id with another owner, or the same id and contract version with another type.</summary>
    public static (Claim Claim, Claim Holder)? Collision(IEnumerable<Claim> claims, IEnumerable<Claim> held)
    {
        var holders = held.ToLookup(c => c.Id, StringComparer.Ordinal);
        foreach (var claim in claims)
            foreach (var holder in holders[claim.Id])
                if (holder.Owner != claim.Owner || (holder.Version == claim.Version && holder.Type != claim.Type))
                    return (claim, holder);
        return null;
    }

    /// <summary>Says what a collision is, and why the two templates are one.</summary>
    public static string Describe(Claim claim, Claim holder) => holder.Owner == claim.Owner
        ? Versions(string.CompareOrdinal(holder.Type, claim.Type) < 0 ? (holder, claim) : (claim, holder))
        : $"connector type '{claim.Type}' would get element template id '{claim.Id}', already that of connector type '{holder.Type}' " +
          $"of plugin '{holder.Plugin}' (a template id is the type with ':' read as '.' and its version dropped)";

    // Named in the order of their types, so the message does not depend on the order a plugin's types were found in.
    private static string Versions((Claim First, Claim Second) pair) =>
        $"connector types '{pair.First.Type}' (plugin '{pair.First.Plugin}') and '{pair.Second.Type}' (plugin '{pair.Second.Plugin}') " +
        $"would both be element template '{pair.First.Id}' version {pair.First.Version}, which the Modeler refuses to hold twice: " +
        $"give the newer one its own contract version (Version = {pair.First.Version + 1} in its attribute)";
}
