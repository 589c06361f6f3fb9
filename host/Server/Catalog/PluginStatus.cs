namespace Switchboard.Host.Catalog;

/// <summary>What a plugin, or one generation of it, is doing.</summary>
public enum PluginState
{
    Loading,
    Loaded,
    Failed,
    Draining,
    Unloading,
    Unloaded,
    Leaked,
}

/// <summary>A plugin as <c>GET /plugins</c> shows it.</summary>
public sealed record PluginStatus(
    string Name,
    PluginState State,
    string? Reason,
    string? Version,
    int Generation,
    DateTimeOffset? LoadedAt,
    IReadOnlyList<string> Connectors,
    IReadOnlyList<GenerationStatus> PreviousGenerations)
{
    /// <summary>Generations of this plugin found leaked since the host started, listed or not (the list keeps the last ten settled).</summary>
    public int LeakedGenerations { get; init; }

    /// <summary>The inbound connector types the serving generation declares.</summary>
    public IReadOnlyList<string> InboundConnectors { get; init; } = [];
}

/// <summary>An older generation of a plugin on its way out.</summary>
public sealed record GenerationStatus(int Generation, PluginState State, string? Reason);
