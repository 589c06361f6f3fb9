using Switchboard.Core.Outcomes;
using System.Globalization;
using Switchboard.Core.Invoking;
using Switchboard.Core.Describing;
using Switchboard.Host.Connectors;
using Switchboard.Host.Isolation;

namespace Switchboard.Host.Catalog;

/// <summary>Loads a generation of a plugin under process isolation: starts its worker process (which loads the plugin
/// with the host's own rules and says why when it cannot), asks it for its connectors' metadata, and lets the catalog
/// check them, within <see cref="CatalogOptions.WorkerStartTimeout"/> and <see cref="CatalogOptions.LoadTimeout"/>.</summary>
internal sealed class WorkerGenerationLoader(CatalogOptions options, IConfiguration configuration, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Switchboard.Host.Isolation.Worker");

    /// <summary>Whether plugin <paramref name="name"/> runs in a worker process: its own <c>Plugins:&lt;Name&gt;:Isolation</c>,
    /// else the catalog's. A value that is neither <c>inprocess</c> nor <c>process</c> fails the plugin's load: read as
    /// in-process, a misspelt <c>Process</c> ran a plugin its operator meant to isolate inside the host.</summary>
    public bool Applies(string name)
    {
        var own = configuration[$"Plugins:{name}:Isolation"];
        if (own is not (null or "inprocess" or "process"))
            throw new PluginLoadException($"Plugins:{name}:Isolation must be inprocess or process, not '{Logging.LogValueSanitizer.Escape(own, 100)}'");
        return (own ?? options.Isolation) == "process";
    }

    public async Task<PluginGeneration> LoadAsync(string name, string pluginsDirectory, string fingerprint, int number, Action<PluginGeneration> check)
    {
        var assembly = options.WorkerPath ?? Path.Combine(AppContext.BaseDirectory, "Switchboard.Worker.dll");
        if (!File.Exists(assembly))
            throw new PluginLoadException($"process isolation needs the worker {assembly}, which does not exist");
        WorkerProcess worker;
        try
        {
            worker = await WorkerProcess.StartAsync(assembly, pluginsDirectory, name, Settings(name), options.LoadTimeout + options.WorkerStartTimeout, _logger,
                options.WorkerHungGrace);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            throw new PluginLoadException($"its worker process did not start: {e.Message}", e);
        }
        try
        {
            using var timeout = new CancellationTokenSource(options.LoadTimeout);
            var (metadata, inbound) = await worker.DescribeAsync(timeout.Token);
            if (MemoryCeiling(name) is { } ceiling)
                worker.LimitMemory(ceiling);
            var pluginContext = new PluginContext(name, Path.Combine(pluginsDirectory, name), configuration.GetSection($"Plugins:{name}"), loggerFactory);
            var limits = new ConcurrencyLimits(options.MaxConcurrentCalls, options.MaxQueuedCalls).With(pluginContext.Configuration);
            var generation = new PluginGeneration(name, number, fingerprint, worker, pluginContext)
            {
                Connectors = metadata.Select(m => new LoadedConnector(m, limits)).ToList(),
                Inbound = inbound.Select(m => new LoadedInbound(m, limits)).ToList(),
            };
            check(generation);
            return generation;
        }
        catch (Exception e)
        {
            await worker.DisposeAsync();
            if (e is PluginLoadException)
                throw;
            // Whatever else went wrong fails this plugin's load, never the catalog's loop.
            throw new PluginLoadException(e is OperationCanceledException
                ? $"its worker process did not describe its connectors within {SecondsText.Of(options.LoadTimeout)}"
                : $"its worker process described its connectors in a form the host cannot read: {e.Message}", e);
        }
    }

    // A ceiling that cannot be read fails the load rather than run the plugin without one.
    private int? MemoryCeiling(string name)
    {
        var text = configuration[$"Plugins:{name}:MaxWorkerMemoryMB"];
        if (text is null)
            return null;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var megabytes) && megabytes > 0)
            return megabytes;
        throw new PluginLoadException($"Plugins:{name}:MaxWorkerMemoryMB must be a whole number of megabytes above 0, not '{Logging.LogValueSanitizer.Escape(text, 100)}'");
    }

    // What the worker needs of the host's configuration: the plugin's own section and the catalog's timeouts.
    private IEnumerable<KeyValuePair<string, string>> Settings(string name)
    {
        // Never the isolation setting itself: the worker runs its plugin in its own process.
        foreach (var (key, value) in configuration.GetSection($"Plugins:{name}").AsEnumerable(makePathsRelative: false))
            if (value is not null && !key.EndsWith(":Isolation", StringComparison.Ordinal))
                yield return new(key, value);
        // The catalog's settings as the host resolved them (configured, defaulted or set in code), not as configured.
        const string catalog = CatalogOptions.Section + ":";
        foreach (var (key, value) in new (string, TimeSpan)[]
                 {
                     (nameof(options.DefaultTimeout), options.DefaultTimeout), (nameof(options.LoadTimeout), options.LoadTimeout),
                     (nameof(options.StopTimeout), options.StopTimeout), (nameof(options.UnloadTimeout), options.UnloadTimeout),
                     (nameof(options.DrainTimeout), options.DrainTimeout),
                 })
            yield return new(catalog + key, value.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        yield return new(catalog + nameof(options.MaxConcurrentCalls), options.MaxConcurrentCalls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new(catalog + nameof(options.MaxQueuedCalls), options.MaxQueuedCalls.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The worker logs what the host would: its lines are relayed into the host's log.
        if (configuration["Switchboard:Log:Level"] is { } level)
            yield return new("Switchboard:Log:Level", level);
    }
}
