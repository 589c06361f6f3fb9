namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Settings of the inbound adapter (configuration section <c>Switchboard:Inbound</c>).</summary>
public sealed class InboundOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Inbound";

    /// <summary>Activations declared in configuration, by id: <c>Activations:&lt;id&gt;:&lt;property&gt;</c> with the
    /// element's property names (<c>inbound.type</c>, <c>inbound.context</c>, <c>correlationKeyExpression</c>, ...) plus
    /// <c>messageName</c> or <c>bpmnProcessId</c>.</summary>
    public Dictionary<string, Dictionary<string, string>> Activations { get; set; } = [];

    /// <summary>The largest webhook request body accepted, in bytes.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How often the deployed processes are searched for inbound elements (or <c>CAMUNDA_CONNECTOR_POLLING_INTERVAL</c>, in ms).</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a polling connector waits between polls when its result names no wait of its own.</summary>
    public TimeSpan DefaultPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the pollers' cursors are kept (one small file per activation); by default a <c>switchboard/inbound</c>
    /// folder in the user's local application data.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>The most activations <c>_activate_inbound_connector</c> tasks may make (each lasts until the host stops):
    /// a task past it fails, naming the setting, instead of a process loop growing the host without end.</summary>
    public int MaxTaskActivations { get; set; } = 1000;

    internal IReadOnlyList<Activation> Parsed { get; set; } = [];
}
