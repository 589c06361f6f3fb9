using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Channels;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Catalog;

/// <summary>The single source of truth for loaded plugins and the connectors they serve; adapters subscribe to <see cref="Changed"/>.</summary>
/// <remarks>
/// Each subfolder of the plugins folder is one plugin, loaded into its own collectible context that shares only
/// the abstractions. A reload loads the new generation beside the old one, switches new calls to it, and unloads
/// the old one once its in-flight calls have finished. A plugin that fails to load is reported and skipped.
/// </remarks>
public sealed class PluginCatalog : IAsyncDisposable
{
    private readonly CatalogOptions _options;
    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly ReferenceGate _referenceGate = new();
    private readonly GenerationUnloader _unloader;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _stateLock = new();
    private readonly Dictionary<string, PluginSlot> _plugins = new(StringComparer.Ordinal);
    private readonly Channel<string?> _requests = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Task> _retirements = new();
    private readonly List<PluginSlot> _removed = new();
    private volatile IReadOnlyDictionary<string, IndexEntry> _index = new Dictionary<string, IndexEntry>();
    private PluginWatcher? _watcher;
    private Task? _requestLoop;
    private volatile bool _stopRequested;

    public PluginCatalog(CatalogOptions options, IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        _options = options;
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PluginCatalog>();
        _unloader = new GenerationUnloader(options, _logger);
        PluginsDirectory = Path.GetFullPath(options.PluginsDirectory);
    }

    /// <summary>Raised after each update that added, removed or replaced connectors.</summary>
    public event Action<CatalogChange>? Changed;

    /// <summary>The folder whose subfolders are plugins.</summary>
    public string PluginsDirectory { get; }

    /// <summary>The connectors served now, ordered by type.</summary>
    public IReadOnlyList<ConnectorMetadata> Connectors =>
        _index.Values.Select(e => e.Connector.Metadata).OrderBy(m => m.Type, StringComparer.Ordinal).ToList();

    /// <summary>The inbound connectors declared by loaded plugins.</summary>
    public IReadOnlyList<InboundConnectorMetadata> InboundConnectors
    {
        get
        {
            lock (_stateLock)
                return _plugins.Values.Where(s => s.Current is not null).SelectMany(s => s.Current!.Inbound).ToList();
        }
    }

    /// <summary>Finds a served connector's metadata by type.</summary>
    public ConnectorMetadata? Find(string type) => _index.TryGetValue(type, out var entry) ? entry.Connector.Metadata : null;

    /// <summary>Every plugin with its state, newest generation and the older ones still unloading.</summary>
    public IReadOnlyList<PluginStatus> Plugins
    {
        get
        {
            lock (_stateLock)
                return _plugins.Values.Concat(_removed.Where(r => !_plugins.ContainsKey(r.Name)))
                    .OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => s.ToStatus()).ToList();
        }
    }

    /// <summary>Loads every plugin folder and, when configured, starts watching for changes.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(PluginsDirectory))
        {
            Directory.CreateDirectory(PluginsDirectory);
            _logger.LogWarning("Plugins folder {PluginsDirectory} did not exist; created it empty", PluginsDirectory);
        }
        var started = Stopwatch.GetTimestamp();
        await RescanAsync(cancellationToken);
        _logger.LogInformation("Plugin catalog ready: {PluginCount} plugins, {ConnectorCount} connectors from {PluginsDirectory} in {ElapsedMs} ms",
            _plugins.Count, _index.Count, PluginsDirectory, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _requestLoop = Task.Run(ProcessRequestsAsync, CancellationToken.None);
        if (_options.Watch)
        {
            _watcher = new PluginWatcher(PluginsDirectory, _options.QuietPeriod,
                plugin => _requests.Writer.TryWrite(plugin), () => _requests.Writer.TryWrite(null), _logger);
            _watcher.Start();
        }
    }

    /// <summary>Brings every plugin in line with the folder: loads new or changed ones and removes deleted ones.</summary>
    public async Task RescanAsync(CancellationToken cancellationToken = default)
    {
        var names = Directory.GetDirectories(PluginsDirectory).Select(Path.GetFileName).OfType<string>()
            .Where(n => !PluginFolder.IsIgnored(n)).ToHashSet(StringComparer.Ordinal);
        lock (_stateLock)
            names.UnionWith(_plugins.Keys);
        foreach (var name in names.Order(StringComparer.Ordinal))
            await SyncAsync(name, force: false, cancellationToken);
    }

    /// <summary>Loads, reloads or removes one plugin to match its folder; <paramref name="force"/> reloads even an unchanged folder.</summary>
    public async Task SyncAsync(string name, bool force = false, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await SyncLockedAsync(name, force);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes a lease on a served connector; null when no loaded plugin serves <paramref name="type"/>.</summary>
    internal ConnectorLease? Acquire(string type)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (!_index.TryGetValue(type, out var entry))
                return null;
            if (entry.Generation.TryEnter())
                return new ConnectorLease(entry.Generation, entry.Connector);
            Thread.Yield(); // retired between reading the index and entering: the index already points at its successor
        }
        return null;
    }

    private async Task ProcessRequestsAsync()
    {
        await foreach (var request in _requests.Reader.ReadAllAsync())
        {
            try
            {
                if (request is null)
                    await RescanAsync();
                else
                    await SyncAsync(request);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Plugin {Plugin} could not be synchronised with its folder", request ?? "*");
            }
        }
    }

    private async Task SyncLockedAsync(string name, bool force)
    {
        var directory = Path.Combine(PluginsDirectory, name);
        PluginSlot? slot;
        lock (_stateLock)
            _plugins.TryGetValue(name, out slot);
        if (!Directory.Exists(directory))
        {
            if (slot is not null)
                Remove(slot);
            return;
        }
        if (slot is null)
        {
            slot = new PluginSlot(name);
            lock (_stateLock)
                _plugins[name] = slot;
        }

        string fingerprint;
        try
        {
            fingerprint = PluginFolder.Fingerprint(directory);
        }
        catch (IOException e)
        {
            Fail(slot, $"cannot read the folder: {e.Message}");
            return;
        }
        if (!force && slot.Current?.Fingerprint == fingerprint)
            return;
        if (!force && slot.Current is null && slot.FailedFingerprint == fingerprint)
            return;

        var started = Stopwatch.GetTimestamp();
        PluginGeneration generation;
        var loading = LoadOffCatalogAsync(name, directory, fingerprint, slot.NextNumber());
        try
        {
            generation = await loading.WaitAsync(_options.LoadTimeout);
        }
        catch (PluginLoadException e)
        {
            slot.FailedFingerprint = fingerprint;
            Fail(slot, e.Message);
            return;
        }
        catch (TimeoutException)
        {
            // The plugin's code is still running on its own thread; the catalog cannot stop it, only stop waiting.
            // Should it ever finish, the generation it built never serves and is unloaded.
            slot.FailedFingerprint = fingerprint;
            Fail(slot, $"stuck: loading did not finish within {_options.LoadTimeout.TotalSeconds:0.###} s (a constructor or IPluginLifecycle.StartAsync that blocks); the catalog went on without it");
            _ = loading.ContinueWith(t => Discard(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return;
        }

        var previous = slot.Current;
        generation.State = PluginState.Loaded;
        lock (_stateLock)
        {
            slot.Current = generation;
            slot.Reason = null;
            slot.FailedFingerprint = null;
            if (previous is not null)
                slot.Previous.Add(previous);
        }
        var before = RebuildIndex();
        _logger.LogInformation("Plugin {Plugin} generation {Generation} loaded in {ElapsedMs} ms, serving {Connectors}",
            name, generation.Number, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds, generation.Connectors.Select(c => c.Metadata.Type).ToArray());
        Publish(name, before);
        if (previous is not null)
            Retire(slot, previous);
    }

    /// <summary>Loads, checks and starts a generation on a thread of its own, so plugin code that blocks holds only that thread.</summary>
    private Task<PluginGeneration> LoadOffCatalogAsync(string name, string directory, string fingerprint, int number)
    {
        var loaded = new TaskCompletionSource<PluginGeneration>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var generation = Load(name, directory, fingerprint, number);
                CheckConflicts(name, generation);
                StartLifecycles(generation);
                loaded.SetResult(generation);
            }
            catch (Exception e)
            {
                loaded.SetException(e is PluginLoadException ? e : new PluginLoadException($"loading failed: {ConnectorDescriber.Describe(e)}", e));
            }
        })
        {
            // A plugin stuck here must never keep the process alive at shutdown.
            IsBackground = true,
            Name = $"Switchboard load {name}#{number}",
        };
        thread.Start();
        return loaded.Task;
    }

    private PluginGeneration Load(string name, string directory, string fingerprint, int number)
    {
        var mainAssembly = PluginFolder.FindMainAssembly(directory);
        _referenceGate.Check(mainAssembly);
        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(mainAssembly, isUnloadable: true,
                sharedTypes: [typeof(ConnectorAttribute)], configure: config => config.LoadInMemory = true);
            var assembly = loader.LoadDefaultAssembly();
            var context = AssemblyLoadContext.GetLoadContext(assembly)!;
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
                ?? assembly.GetName().Version?.ToString();
            var pluginContext = new PluginContext(name, directory, _configuration.GetSection($"Plugins:{name}"), _loggerFactory);
            var models = new TypeModels();
            var writer = new OutputWriter(models);
            var limits = new ConcurrencyLimits(_options.MaxConcurrentCalls, _options.MaxQueuedCalls).With(pluginContext.Configuration);
            var describer = new ConnectorDescriber(models, writer, pluginContext, _options.DefaultTimeout);
            using (context.EnterContextualReflection())
                describer.Describe(assembly);
            return new PluginGeneration(name, number, loader, context, fingerprint, version, models, writer, pluginContext)
            {
                Connectors = describer.Connectors.Select(c => new LoadedConnector(c, limits)).ToList(),
                Inbound = describer.Inbound,
                Lifecycles = describer.Lifecycles,
            };
        }
        catch (Exception e)
        {
            loader?.Dispose();
            if (e is PluginLoadException)
                throw;
            throw new PluginLoadException($"cannot load {Path.GetFileName(mainAssembly)}: {ConnectorDescriber.Describe(e)}", e);
        }
    }

    private void CheckConflicts(string name, PluginGeneration generation)
    {
        foreach (var connector in generation.Connectors)
        {
            if (_index.TryGetValue(connector.Metadata.Type, out var existing) && existing.Generation.PluginName != name)
            {
                Discard(generation);
                throw new PluginLoadException($"connector type '{connector.Metadata.Type}' is already served by plugin '{existing.Generation.PluginName}'");
            }
        }
    }

    private void StartLifecycles(PluginGeneration generation)
    {
        foreach (var lifecycle in generation.Lifecycles)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.LoadTimeout);
                using (generation.Context!.EnterContextualReflection())
                    lifecycle.StartAsync(timeout.Token).WaitAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                Discard(generation);
                throw new PluginLoadException($"{lifecycle.GetType().FullName}.StartAsync failed: {ConnectorDescriber.Describe(e)}", e);
            }
        }
    }

    /// <summary>Throws away a generation that never served.</summary>
    private void Discard(PluginGeneration generation)
    {
        generation.Retire();
        var unload = _unloader.UnloadAsync(generation, stopLifecycles: false);
        lock (_stateLock)
            _retirements.Add(unload);
    }

    private void Fail(PluginSlot slot, string reason)
    {
        lock (_stateLock)
            slot.Reason = reason;
        if (slot.Current is not null)
            _logger.LogWarning("Plugin {Plugin} reload failed, generation {Generation} keeps serving: {Reason}", slot.Name, slot.Current.Number, reason);
        else
            _logger.LogError("Plugin {Plugin} failed to load and is skipped: {Reason}", slot.Name, reason);
    }

    private void Remove(PluginSlot slot, bool shuttingDown = false)
    {
        var previous = slot.Current;
        lock (_stateLock)
        {
            _plugins.Remove(slot.Name);
            slot.Current = null;
        }
        var before = RebuildIndex();
        if (shuttingDown)
            _logger.LogDebug("Plugin {Plugin} stops serving: the host is shutting down", slot.Name);
        else
            _logger.LogInformation("Plugin {Plugin} folder removed; its connectors are no longer served", slot.Name);
        Publish(slot.Name, before);
        if (previous is not null)
        {
            lock (_stateLock)
            {
                slot.Previous.Add(previous);
                _removed.Add(slot);
            }
            Retire(slot, previous);
        }
    }

    private void Retire(PluginSlot slot, PluginGeneration generation)
    {
        generation.State = PluginState.Draining;
        generation.Retire();
        var retirement = _unloader.UnloadAsync(generation, stopLifecycles: true).ContinueWith(_ =>
        {
            lock (_stateLock)
            {
                slot.Prune();
                if (slot.Previous.All(g => g.State == PluginState.Unloaded))
                    _removed.Remove(slot); // a removed plugin stays listed only while unloading or leaked
            }
        }, TaskScheduler.Default);
        lock (_stateLock)
        {
            _retirements.RemoveAll(t => t.IsCompleted);
            _retirements.Add(retirement);
        }
    }

    private IReadOnlyDictionary<string, IndexEntry> RebuildIndex()
    {
        var before = _index;
        var index = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        lock (_stateLock)
            foreach (var slot in _plugins.Values)
                if (slot.Current is { } generation)
                    foreach (var connector in generation.Connectors)
                        index[connector.Metadata.Type] = new IndexEntry(generation, connector);
        _index = index;
        return before;
    }

    private void Publish(string plugin, IReadOnlyDictionary<string, IndexEntry> before)
    {
        var after = _index;
        var added = after.Where(a => !before.ContainsKey(a.Key)).Select(a => a.Value.Connector.Metadata).ToList();
        var removed = before.Where(b => !after.ContainsKey(b.Key)).Select(b => b.Value.Connector.Metadata).ToList();
        var replaced = after.Where(a => before.TryGetValue(a.Key, out var b) && b.Generation != a.Value.Generation)
            .Select(a => a.Value.Connector.Metadata).ToList();
        if (added.Count + removed.Count + replaced.Count == 0)
            return;
        var change = new CatalogChange(plugin, added, removed, replaced);
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<CatalogChange>)handler)(change);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "A catalog subscriber failed on the change of plugin {Plugin}", plugin);
            }
        }
    }

    /// <summary>Waits until every replaced or removed generation has finished unloading (or been reported leaked).</summary>
    public async Task WaitForUnloadsAsync()
    {
        Task[] pending;
        lock (_stateLock)
            pending = _retirements.ToArray();
        await Task.WhenAll(pending);
    }

    /// <summary>Stops watching and unloads every plugin after its in-flight calls finish.</summary>
    /// <remarks>
    /// Never throws for <paramref name="cancellationToken"/>: when the host's shutdown timeout fires first, what is
    /// still draining or unloading is logged and abandoned, and shutdown goes on (the process ends with its calls).
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopRequested = true;
        _watcher?.Dispose();
        _watcher = null;
        _requests.Writer.TryComplete();
        try
        {
            if (_requestLoop is not null)
                await _requestLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _gate.WaitAsync(cancellationToken);
            try
            {
                List<PluginSlot> slots;
                lock (_stateLock)
                    slots = _plugins.Values.ToList();
                foreach (var slot in slots)
                    Remove(slot, shuttingDown: true);
            }
            finally
            {
                _gate.Release();
            }
            await WaitForUnloadsAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            string[] abandoned;
            lock (_stateLock)
                abandoned = _plugins.Values.Concat(_removed).SelectMany(s => s.Previous.Concat(s.Current is null ? [] : [s.Current]))
                    .Where(g => g.State is not PluginState.Unloaded and not PluginState.Leaked)
                    .Select(g => $"{g.PluginName}#{g.Number} ({g.State.ToString().ToLowerInvariant()}, {g.InFlight} calls)").Distinct().ToArray();
            _logger.LogWarning("Shutdown timeout reached: stopped waiting for {AbandonedCount} plugin generations: {Abandoned}",
                abandoned.Length, abandoned);
        }
    }

    /// <summary>Stops the catalog unless <see cref="StopAsync"/> already did (or gave up at the shutdown timeout: waiting again would only delay the exit).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopRequested)
            return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await StopAsync(timeout.Token);
    }

    private sealed record IndexEntry(PluginGeneration Generation, LoadedConnector Connector);

    /// <summary>A plugin folder's slot: its serving generation, the reason it failed, and older generations unloading.</summary>
    private sealed class PluginSlot(string name)
    {
        private int _lastNumber;

        public string Name { get; } = name;
        public PluginGeneration? Current { get; set; }
        public string? Reason { get; set; }
        public string? FailedFingerprint { get; set; }
        public List<PluginGeneration> Previous { get; } = new();

        public int NextNumber() => ++_lastNumber;

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

        private const int MaxSettledListed = 10;
        private int _leakedUnlisted;

        public PluginStatus ToStatus() => new(
            Name,
            Current is not null ? PluginState.Loaded
                : Reason is not null ? PluginState.Failed
                : Previous.Any(g => g.State == PluginState.Leaked) ? PluginState.Leaked
                : Previous.Count > 0 ? PluginState.Unloading
                : PluginState.Loading,
            Reason,
            Current?.Version,
            Current?.Number ?? 0,
            Current?.LoadedAt,
            Current?.Connectors.Select(c => c.Metadata.Type).ToList() ?? [],
            Previous.Select(g => new GenerationStatus(g.Number, g.State, g.Reason)).ToList())
        {
            LeakedGenerations = _leakedUnlisted + Previous.Count(g => g.State == PluginState.Leaked),
        };
    }
}
