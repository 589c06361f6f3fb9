using System.Diagnostics.Metrics;

namespace Switchboard.Host.Telemetry;

/// <summary>The plugin catalog's instruments: loads and failed loads (first or reload), generations alive, leaked
/// generations and how long unloading took; all tagged with the plugin (a folder name the operator chose).</summary>
internal static class CatalogTelemetry
{
    /// <summary><c>switchboard.plugin.loads</c>: load attempts by <c>plugin</c>, <c>outcome</c> (<c>loaded</c>,
    /// <c>failed</c>) and <c>reload</c> (whether a generation of the plugin was serving or had served before).</summary>
    private static readonly Counter<long> Loads = SwitchboardTelemetry.Meter.CreateCounter<long>("switchboard.plugin.loads", "{load}",
        "Plugin load attempts: first loads and reloads, loaded or failed.");

    /// <summary><c>switchboard.plugin.generations</c>: generations that served and are not unloaded yet (serving,
    /// draining, unloading or leaked), by <c>plugin</c>.</summary>
    private static readonly UpDownCounter<long> Generations = SwitchboardTelemetry.Meter.CreateUpDownCounter<long>("switchboard.plugin.generations",
        "{generation}", "Plugin generations in memory: serving, draining, unloading or leaked.");

    /// <summary><c>switchboard.plugin.generations.leaked</c>: generations still referenced after unloading, by <c>plugin</c>.</summary>
    private static readonly Counter<long> Leaked = SwitchboardTelemetry.Meter.CreateCounter<long>("switchboard.plugin.generations.leaked", "{generation}",
        "Plugin generations still referenced after their unload (they stay in memory).");

    /// <summary><c>switchboard.plugin.unload.duration</c>: from a generation's retirement (its calls draining) to its
    /// verified unload or leak, in seconds, by <c>plugin</c> and <c>outcome</c> (<c>unloaded</c>, <c>leaked</c>).</summary>
    private static readonly Histogram<double> UnloadDuration = SwitchboardTelemetry.Meter.CreateHistogram("switchboard.plugin.unload.duration", "s",
        "From a plugin generation's retirement to its verified unload (or leak).", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });

    public static void Loaded(string plugin, bool reload)
    {
        Loads.Add(1, Tag("plugin", plugin), Tag("outcome", "loaded"), Tag("reload", reload));
        Generations.Add(1, Tag("plugin", plugin));
    }

    public static void LoadFailed(string plugin, bool reload) => Loads.Add(1, Tag("plugin", plugin), Tag("outcome", "failed"), Tag("reload", reload));

    public static void Retired(string plugin, bool leaked, TimeSpan elapsed)
    {
        UnloadDuration.Record(elapsed.TotalSeconds, Tag("plugin", plugin), Tag("outcome", leaked ? "leaked" : "unloaded"));
        if (leaked)
            Leaked.Add(1, Tag("plugin", plugin));
        else
            Generations.Add(-1, Tag("plugin", plugin));
    }

    /// <summary>A generation counted leaked was collected later: out of <c>switchboard.plugin.generations</c>; the leak
    /// counter, a count of verdicts, keeps it.</summary>
    public static void UnloadedLate(string plugin) => Generations.Add(-1, Tag("plugin", plugin));

    private static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
