using Switchboard.Host.Protocols;
namespace Switchboard.Host.Catalog;

/// <summary>A plugin folder's slot: its serving generation, the reason it failed, and older generations unloading.</summary>
internal sealed class PluginSlot(string name)
{
    private int _lastNumber;

    public string Name { get; } = name;
    public PluginGeneration? Current { get; set; }
    /// <summary>Why its last load failed, cut as status pages show text: a plugin's message can run to megabytes, which
    /// every <c>/plugins</c> answer and every dashboard push would carry.</summary>
    public string? Reason
    {
        get;
        set => field = StatusText.Cut(value);
    }
    public string? FailedFingerprint { get; set; }

    /// <summary>Whether its last load was refused because another plugin served one of its connector types: unlike a
    /// failure of its own files, that ends when the other stops serving the type, so it is tried again then.</summary>
    public bool Conflicted { get; set; }

    /// <summary>Whether its settings put the plugin in a worker process (<c>Isolation=process</c>), as of its last load.</summary>
    public bool Isolated { get; set; }
    public List<PluginGeneration> Previous { get; } = new();

    /// <summary>When its worker process crashed lately (process isolation), for the restart backoff and the give-up rule.</summary>
    public List<DateTimeOffset> Crashes { get; } = new();

    public int NextNumber() => ++_lastNumber;

    private const int HistoryKept = 20;
    private readonly List<PluginEvent> _history = new();

    /// <summary>Adds one line to the plugin's recent history (the last <see cref="HistoryKept"/> are kept); under the catalog's state lock.</summary>
    public void Record(string what)
    {
        _history.Add(new PluginEvent(DateTimeOffset.UtcNow, StatusText.Cut(what)!));
        if (_history.Count > HistoryKept)
            _history.RemoveAt(0);
    }

    /// <summary>Keeps every generation still on its way out, the last few that unloaded cleanly, and at most
    /// <see cref="MaxSettledListed"/> settled ones in all: a plugin that leaks on every reload must not grow the list forever.</summary>
    public void Prune()
    {
        var unloaded = Previous.Where(g => g.State == PluginState.Unloaded).ToList();
        foreach (var old in unloaded.Take(Math.Max(0, unloaded.Count - 3)))
            Previous.Remove(old);
        var settled = Previous.Where(g => g.State is PluginState.Unloaded or PluginState.Leaked).ToList();
        foreach (var old in settled.Take(Math.Max(0, settled.Count - MaxSettledListed)))
        {
            if (old.State == PluginState.Leaked)
                _leakedUnlisted++;
            Previous.Remove(old);
        }
    }

    /// <summary>A generation reported leaked was collected after all: no longer counted as leaked, listed or not.</summary>
    public void UnloadedLate(PluginGeneration generation, string reason)
    {
        if (!Previous.Contains(generation) && _leakedUnlisted > 0)
            _leakedUnlisted--;
        generation.Become(PluginState.Unloaded, reason);
    }

    private const int MaxSettledListed = 10;
    private int _leakedUnlisted;

    public PluginStatus ToStatus()
    {
        // Each generation's state and reason read once: the unloader moves them on from its own thread meanwhile.
        var previous = Previous.Select(g => g.Status).ToList();
        return new(
            Name,
            Current is not null ? PluginState.Loaded
                : Reason is not null ? PluginState.Failed
                : previous.Any(g => g.State == PluginState.Leaked) ? PluginState.Leaked
                : previous.Count > 0 ? PluginState.Unloading
                : PluginState.Loading,
            Reason,
            Current?.Version,
            Current?.Number ?? 0,
            Current?.LoadedAt,
            Current?.Connectors.Select(c => c.Metadata.Type).ToList() ?? [],
            previous)
        {
            LeakedGenerations = _leakedUnlisted + previous.Count(g => g.State == PluginState.Leaked),
            InboundConnectors = Current?.Inbound.Select(i => i.Metadata.Type).ToList() ?? [],
            Worker = Current?.Worker?.Status(),
            Isolated = Isolated,
            History = _history.ToList(),
        };
    }
}
