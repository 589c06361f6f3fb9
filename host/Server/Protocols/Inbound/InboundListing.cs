using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary><c>GET /inbound</c>: every activation with its kind, where a webhook listens, whether it is up (or down
/// with the reason), and what its events came to.</summary>
internal sealed class InboundListing(PluginCatalog catalog, ActivationRegistry registry, InboundRunner runner, InboundActivity activity)
{
    public JsonArray Describe() => new(registry.All.Select(a =>
    {
        var served = catalog.InboundConnectors.FirstOrDefault(c => c.Type == a.ConnectorType);
        var listing = new JsonObject
        {
            ["id"] = a.Id,
            ["type"] = a.ConnectorType,
            ["kind"] = served?.Kind.ToString().ToLowerInvariant(),
            ["path"] = served is null or { Kind: InboundKind.Webhook } ? "/inbound/" + a.Context : null,
            ["messageName"] = a.MessageName is null ? null : a.Masked(a.MessageName),
            ["bpmnProcessId"] = a.BpmnProcessId,
            ["health"] = Health(a, served),
            ["activity"] = activity.Describe(a.Id),
        };
        return (JsonNode)listing;
    }).ToArray());

    private JsonObject Health(Activation activation, InboundConnectorMetadata? served)
    {
        if (served is null)
            return new JsonObject { ["status"] = "down", ["reason"] = $"no loaded plugin serves the inbound connector type '{activation.ConnectorType}'" };
        if (served.Kind == InboundKind.Webhook)
            return WebhookPath.Problem(activation.Context) is { } unreachable
                ? new JsonObject { ["status"] = "down", ["reason"] = unreachable, ["plugin"] = served.PluginName }
                : new JsonObject { ["status"] = "up", ["plugin"] = served.PluginName };
        var loop = runner.Find(activation.Id);
        var health = loop?.Health.Describe() ?? new JsonObject { ["status"] = "down", ["reason"] = "starting" };
        health["plugin"] = served.PluginName;
        health["generation"] = loop?.Generation.Number;
        return health;
    }
}
