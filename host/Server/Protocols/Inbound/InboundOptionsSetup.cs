using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Reads the configured activations and validates them at start, each problem naming its setting.</summary>
internal sealed class InboundOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<InboundOptions>, IValidateOptions<InboundOptions>
{
    private const string Prefix = InboundOptions.Section + ":Activations:";
    private readonly List<string> _problems = [];

    public void PostConfigure(string? name, InboundOptions options)
    {
        _problems.Clear();
        if (configuration["CAMUNDA_CONNECTOR_POLLING_INTERVAL"] is { Length: > 0 } interval && configuration[InboundOptions.Section + ":PollingInterval"] is null)
        {
            if (int.TryParse(interval, out var milliseconds) && milliseconds > 0)
                options.PollingInterval = TimeSpan.FromMilliseconds(milliseconds);
            else
                _problems.Add($"CAMUNDA_CONNECTOR_POLLING_INTERVAL must be a positive number of milliseconds, not '{interval}'");
        }
        var activations = new List<Activation>();
        foreach (var (id, raw) in options.Activations.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var properties = new Dictionary<string, string>(raw, StringComparer.Ordinal);
            string? Get(string key) => properties.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
            var type = Get("inbound.type");
            if (type is null)
                _problems.Add($"{Prefix}{id}:inbound.type is required: the inbound connector type, e.g. io.camunda:webhook:1");
            var messageName = Get("messageName");
            var processId = Get("bpmnProcessId");
            if ((messageName is null) == (processId is null))
                _problems.Add($"{Prefix}{id} needs exactly one of messageName (a message element) or bpmnProcessId (a plain start event)");
            var ttl = Activation.DefaultMessageTtl;
            if (Get("messageTtl") is { } ttlText)
            {
                if (IsoDuration.Read(ttlText, out var problem) is { } read)
                    ttl = read;
                else
                    _problems.Add($"{Prefix}{id}:messageTtl '{ttlText}' {problem}");
            }
            var consume = Get("consumeUnmatchedEvents");
            if (consume is not null && !bool.TryParse(consume, out _))
                _problems.Add($"{Prefix}{id}:consumeUnmatchedEvents must be true or false, not '{consume}'");
            if (type is null)
                continue;
            // The path defaults to the activation id; the connector sees the path it serves under its usual property.
            var context = Get("inbound.context") ?? id;
            properties["inbound.context"] = context;
            // One path segment: /inbound/{context} routes no other, and a context such as a/b or .. was listed as served
            // at a path that answered 404.
            if (WebhookPath.Problem(context) is { } unreachable)
                _problems.Add($"{Prefix}{id}:{unreachable}" + (Get("inbound.context") is null ? " (it defaults to the activation's id: set inbound.context)" : ""));
            activations.Add(new Activation(id, type, context, properties, messageName, processId,
                Get("activationCondition"), Get("correlationKeyExpression"), Get("messageIdExpression"), ttl,
                Get("resultVariable"), Get("resultExpression"), consume is not null && bool.TryParse(consume, out var c) && c));
        }
        foreach (var duplicate in activations.GroupBy(a => a.Context, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            _problems.Add($"{Prefix}: activations {string.Join(", ", duplicate.Select(a => a.Id))} share the webhook path /inbound/{duplicate.Key}");
        options.Parsed = activations;
    }

    public ValidateOptionsResult Validate(string? name, InboundOptions options)
    {
        var problems = new List<string>(_problems);
        if (options.PollingInterval <= TimeSpan.Zero)
            problems.Add($"{InboundOptions.Section}:PollingInterval must be positive, not {options.PollingInterval}");
        // Past the timers' limit it never gets here: SettingsBinding refuses every such time span first.
        if (options.DefaultPollInterval <= TimeSpan.Zero)
            problems.Add($"{InboundOptions.Section}:DefaultPollInterval must be positive, not {options.DefaultPollInterval}");
        if (options.MaxTaskActivations < 1)
            problems.Add($"{InboundOptions.Section}:MaxTaskActivations must be at least 1, not {options.MaxTaskActivations}");
        if (options.MaxBodyBytes < 1024)
            problems.Add($"{InboundOptions.Section}:MaxBodyBytes must be at least 1024, not {options.MaxBodyBytes}");
        // The pollers keep their cursors there: a folder that cannot hold them would have each poll start from scratch.
        if (options.StateDirectory is { Length: > 0 } state && Hosting.FolderSetting.Problem($"{InboundOptions.Section}:StateDirectory", state) is { } folder)
            problems.Add(folder);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
