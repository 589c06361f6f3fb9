using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;

namespace Switchboard.Host.Catalog;

/// <summary>Settings of the plugin catalog (configuration section <c>Switchboard:Catalog</c>).</summary>
public sealed class CatalogOptions
{
    /// <summary>Folder whose subfolders are plugins.</summary>
    public string PluginsDirectory { get; set; } = "plugins";

    /// <summary>Whether file changes reload plugins while the host runs.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How long a plugin folder must stay unchanged before it is reloaded.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Call timeout for connectors that declare none.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a replaced generation's in-flight calls may take before its unload is reported stuck.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Calls one connector may run at once (a plugin's <c>Plugins:&lt;Name&gt;:MaxConcurrentCalls</c> overrides it).</summary>
    public int MaxConcurrentCalls { get; set; } = ConcurrencyLimits.Default.MaxConcurrentCalls;

    /// <summary>Calls that may wait for one connector beyond those running; more are answered <c>Busy</c> (<c>Plugins:&lt;Name&gt;:MaxQueuedCalls</c> overrides it).</summary>
    public int MaxQueuedCalls { get; set; } = ConcurrencyLimits.Default.MaxQueuedCalls;

    /// <summary>How long loading one plugin (its constructors and <c>IPluginLifecycle.StartAsync</c>) may take before it is reported failed as stuck and the catalog goes on.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a retired generation's <c>IPluginLifecycle.StopAsync</c> may take before the unload goes on without it.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a disposed generation to be collected before reporting it leaked.</summary>
    public TimeSpan UnloadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When a generation reported leaked is looked at again, each wait counted from the look before: a reference
    /// that outlived <see cref="UnloadTimeout"/> on a busy host often goes soon after. Not a setting (tests shorten it).</summary>
    internal IReadOnlyList<TimeSpan> LateUnloadChecks { get; set; } =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    /// <summary>Where plugins run: <c>inprocess</c> (the default: in a load context of the host's process, fastest) or
    /// <c>process</c> (each plugin in a worker process of its own, which a crash in the plugin cannot take down with the
    /// host). <c>Plugins:&lt;Name&gt;:Isolation</c> chooses per plugin.</summary>
    public string Isolation { get; set; } = "inprocess";

    /// <summary>Under process isolation, how long a worker may stay silent about a call past the call's timeout before
    /// it counts as hung and is killed (and restarted).</summary>
    public TimeSpan WorkerHungGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Under process isolation, how long a worker process may take to start its runtime, on top of
    /// <see cref="LoadTimeout"/> for loading its plugin (which the worker itself holds the plugin to): a busy machine must
    /// not make a plugin that loads in time look stuck.</summary>
    public TimeSpan WorkerStartTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The worker's entry assembly for process isolation; by default <c>Switchboard.Worker.dll</c> beside the host.</summary>
    public string? WorkerPath { get; set; }

    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Switchboard:Catalog";

    /// <summary>Serve only this plugin folder (a worker process serves one plugin); null serves every folder.</summary>
    internal string? OnlyPlugin { get; set; }

    /// <summary>What is wrong with these settings, each naming its key; empty when they can run.</summary>
    public IEnumerable<string> Problems()
    {
        const string section = Section + ":";
        foreach (var (name, value) in new[]
                 {
                     (nameof(QuietPeriod), QuietPeriod), (nameof(DefaultTimeout), DefaultTimeout), (nameof(DrainTimeout), DrainTimeout),
                     (nameof(UnloadTimeout), UnloadTimeout), (nameof(LoadTimeout), LoadTimeout), (nameof(StopTimeout), StopTimeout),
                     (nameof(WorkerHungGrace), WorkerHungGrace),
                     (nameof(WorkerStartTimeout), WorkerStartTimeout),
                 })
            if (value <= TimeSpan.Zero || value > Core.Describing.LongestWait.Value)
                yield return $"{section}{name} must be a positive time span such as 00:00:30, at most {Core.Describing.LongestWait.Text} (the runtime's timers go no further), not {value}";
        if (MaxConcurrentCalls < 1)
            yield return $"{section}{nameof(MaxConcurrentCalls)} must be at least 1, not {MaxConcurrentCalls}";
        if (MaxQueuedCalls < 0)
            yield return $"{section}{nameof(MaxQueuedCalls)} must be 0 or more, not {MaxQueuedCalls}";
        if (Isolation is not ("inprocess" or "process"))
            yield return $"{section}{nameof(Isolation)} must be inprocess or process, not '{Logging.LogValueSanitizer.Escape(Isolation, 100)}'";
    }
}
