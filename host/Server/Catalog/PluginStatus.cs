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

    /// <summary>The worker process serving the plugin under process isolation; null when it runs in the host.</summary>
    public WorkerStatus? Worker { get; init; }

    /// <summary>Whether its settings put the plugin in a worker process (<c>Isolation=process</c>), with or without a
    /// worker serving it now (none while it loads, or once it failed).</summary>
    public bool Isolated { get; init; }

    /// <summary>What happened to the plugin lately, oldest first: loads, reloads, failures, unloads, leaks (the last twenty).</summary>
    public IReadOnlyList<PluginEvent> History { get; init; } = [];
}

/// <summary>One line of a plugin's history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="What">What happened, in words.</param>
public sealed record PluginEvent(DateTimeOffset At, string What);

/// <summary>An older generation of a plugin on its way out.</summary>
public sealed record GenerationStatus(int Generation, PluginState State, string? Reason);

/// <summary>A plugin's worker process as <c>/plugins</c> shows it: its id, memory and processor time.</summary>
/// <param name="ProcessId">The worker's process id.</param>
/// <param name="WorkingSetBytes">Its working set (resident memory), in bytes.</param>
/// <param name="CpuSeconds">Processor time it used since it started, in seconds.</param>
public sealed record WorkerStatus(int ProcessId, long WorkingSetBytes, double CpuSeconds);
