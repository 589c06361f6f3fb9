using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Invoking;
using Switchboard.Host.Catalog;
using Switchboard.Host.Protocols.Zeebe;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The <c>_activate_inbound_connector</c> job type, as the Python SDK our users know serves it: a service task
/// with inputs <c>name</c> (the inbound connector's type or declared name), <c>correlation_key</c>, optionally
/// <c>message_name</c>, and the connector's own properties activates that connector; every event it produces is
/// published as a message with that correlation key, named <c>message_name</c> or else <c>name</c>. The job completes
/// once the activation is registered.</summary>
/// <remarks>The activation's id is <c>task:&lt;name&gt;:&lt;correlation_key&gt;</c>, so the same task run again keeps
/// the running activation. Activations made this way live until the host stops.</remarks>
internal sealed class ActivationTask(PluginCatalog catalog, ActivationRegistry registry, ILogger<ActivationTask> logger) : IHostJob
{
    public const string JobType = "_activate_inbound_connector";

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "name", "correlation_key", "message_name" };

    public string Type => JobType;

    public Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken)
    {
        if (Text(variables["name"]) is not { } name)
            return Task.FromResult(HostJobResult.Failed("InvalidInput", "name is required: the inbound connector's type or name, e.g. io.camunda:http-polling:1", false));
        if (Text(variables["correlation_key"]) is not { } correlationKey)
            return Task.FromResult(HostJobResult.Failed("InvalidInput", "correlation_key is required: the key each event is published with", false));
        var connector = catalog.InboundConnectors.FirstOrDefault(c => c.Type == name)
            ?? catalog.InboundConnectors.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
        if (connector is null)
            // Perhaps its plugin is being loaded or reloaded: a retry may find it.
            return Task.FromResult(HostJobResult.Failed("ConnectorNotFound", $"no loaded plugin serves an inbound connector named '{name}'", true));

        var masker = new SecretMasker(secrets);
        // The id is shown by GET /inbound, which answers anyone, and is the webhook's path: a part that holds a secret is
        // named by its hash, which still tells one key from another.
        string Shown(string part) => masker.Apply(part) == part ? part : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(part)))[..16];
        var id = $"task:{Shown(name)}:{Shown(correlationKey)}";
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in variables)
        {
            if (!Reserved.Contains(key) && value is not null)
                properties[key] = Text(value) ?? value.ToJsonString();
        }
        // A correlation key such as orders/7 made a path of two segments, which no request could reach.
        properties.TryAdd("inbound.context", WebhookPath.Of(id));
        if (connector.Kind == Switchboard.Core.Metadata.InboundKind.Webhook && WebhookPath.Problem(properties["inbound.context"]) is { } unreachable)
            return Task.FromResult(HostJobResult.Failed("InvalidInput", unreachable, false));
        var activation = new Activation(id, connector.Type, properties["inbound.context"], properties,
            Text(variables["message_name"]) ?? name, BpmnProcessId: null, ActivationCondition: null,
            CorrelationKeyExpression: "=" + JsonSerializer.Serialize(correlationKey), MessageIdExpression: null, Activation.DefaultMessageTtl,
            ResultVariable: null, ResultExpression: null, ConsumeUnmatchedEvents: true) { Secrets = [.. secrets] };
        bool added;
        try
        {
            added = registry.SetTaskActivation(activation);
        }
        catch (InvalidOperationException full)
        {
            return Task.FromResult(HostJobResult.Failed("TooManyActivations", full.Message, false));
        }
        logger.LogInformation("Inbound activation {Activation} ({Connector}) via {Protocol} {Outcome} by a task",
            id, connector.Type, "Zeebe", added ? "activated" : "already active");
        return Task.FromResult(HostJobResult.Completed());
    }

    private static string? Text(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var text) => string.IsNullOrWhiteSpace(text) ? null : text,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
