using Switchboard.Core.Outcomes;
using Microsoft.Extensions.Primitives;
using Switchboard.Host.Telemetry;
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

using Switchboard.Host.Templates;

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
    private readonly GenerationUnloader _unloader;
    private readonly GenerationLoader _loader;
    private readonly WorkerGenerationLoader _workers;
    private readonly PluginGates _gates = new();
    private readonly LoadClaims _claims = new();
    private readonly Lock _publishLock = new();
    private ConnectorIndex _published = ConnectorIndex.Empty;
    private readonly List<Task> _syncs = new();
    private readonly Lock _stateLock = new();
    private readonly Dictionary<string, PluginSlot> _plugins = new(StringComparer.Ordinal);
    private readonly Channel<string?> _requests = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Task> _retirements = new();
    private readonly List<PluginSlot> _removed = new();
    private volatile ConnectorIndex _index = ConnectorIndex.Empty;
    private PluginWatcher? _watcher;
    private Task? _requestLoop;
    private volatile bool _stopRequested;
    private CancellationTokenSource _statusChange = new();
    // Ends the late looks at leaked generations, and the wait for a load in progress, when the catalog stops.
    private readonly CancellationTokenSource _closing = new();
    private readonly GenerationFiles _files = new();

    public PluginCatalog(CatalogOptions options, IConfiguration configuration, ILoggerFactory loggerFactory)
    {
        _options = options;
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PluginCatalog>();
        _unloader = new GenerationUnloader(options, _files, _logger);
        _loader = new GenerationLoader(options, configuration, loggerFactory, _unloader, _files, Track);
        _workers = new WorkerGenerationLoader(options, configuration, loggerFactory);
        PluginsDirectory = Path.GetFullPath(options.PluginsDirectory);
    }

    /// <summary>Raised after each update that added, removed or replaced connectors.</summary>
    public event Action<CatalogChange>? Changed;

    /// <summary>Fires at the next change of any plugin's status (<see cref="Plugins"/>): a load, a failed load, a reload,
    /// a removal, a generation unloaded or found leaked. Take a new token after it fires, as with configuration reload tokens.</summary>
    public IChangeToken StatusChangeToken => new CancellationChangeToken(Volatile.Read(ref _statusChange).Token);

    /// <summary>The copies of plugin folders the generations load from.</summary>
    internal GenerationFiles Files => _files;

    /// <summary>The folder whose subfolders are plugins.</summary>
    public string PluginsDirectory { get; }

    /// <summary>The connectors served now: an immutable snapshot, replaced whole on every change.</summary>
    public ConnectorIndex Index => _index;

    /// <summary>The connectors served now, ordered by type.</summary>
    public IReadOnlyList<ConnectorMetadata> Connectors => _index.Connectors;

    /// <summary>The inbound connectors served now, ordered by type.</summary>
    public IReadOnlyList<InboundConnectorMetadata> InboundConnectors => _index.InboundConnectors;

    /// <summary>Finds a served connector's metadata by type.</summary>
    public ConnectorMetadata? Find(string type) => _index.Find(type);

    /// <summary>Calls <paramref name="listener"/> with the current snapshot now and with each new one after a change,
    /// so a subscriber never misses the initial load; a listener that throws is logged with its stack and kept.</summary>
    /// <returns>Disposing it stops the calls.</returns>
    public IDisposable Subscribe(Action<ConnectorIndex> listener)
    {
        void OnChange(CatalogChange _) => Notify(listener, _index);
        // Under the publication lock: a change published meanwhile comes after the first snapshot, never before it.
        lock (_publishLock)
        {
            Changed += OnChange;
            Notify(listener, _index);
        }
        return new Unsubscriber(() => Changed -= OnChange);
    }

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
        await RescanAsync(inNameOrder: true, cancellationToken);
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

    /// <summary>Brings every plugin in line with the folder: loads new or changed ones and removes deleted ones, side by side.</summary>
    public Task RescanAsync(CancellationToken cancellationToken = default) => RescanAsync(inNameOrder: false, cancellationToken);

    // In name order at start (see StartOrder); later, the plugin serving a type keeps it.
    private async Task RescanAsync(bool inNameOrder, CancellationToken cancellationToken)
    {
        var names = Folders().Select(Path.GetFileName).OfType<string>()
            .Where(n => !PluginFolder.IsIgnored(n) && (_options.OnlyPlugin is null || n == _options.OnlyPlugin)).ToHashSet(StringComparer.Ordinal);
        lock (_stateLock)
            names.UnionWith(_plugins.Keys);
        var ordered = names.Order(StringComparer.Ordinal).ToList();
        var places = inNameOrder ? StartOrder.InNameOrder(ordered.Count) : null;
        await Task.WhenAll(ordered.Select((name, i) => SyncAsync(name, force: false, places?[i] ?? StartOrder.None, cancellationToken)));
    }

    // A plugins folder deleted (or replaced, between a deletion and a creation) holds no plugin: the ones loaded are
    // removed, as its subfolders' deletions remove them. It threw, and the rescan ended in an error logged with a stack.
    private string[] Folders()
    {
        try
        {
            return Directory.GetDirectories(PluginsDirectory);
        }
        catch (DirectoryNotFoundException)
        {
            _logger.LogWarning("Plugins folder {PluginsDirectory} does not exist; no plugin is served until it does", PluginsDirectory);
            return [];
        }
    }

    /// <summary>Loads, reloads or removes one plugin to match its folder; <paramref name="force"/> reloads even an unchanged folder.
    /// Other plugins' loads go on meanwhile.</summary>
    public Task SyncAsync(string name, bool force = false, CancellationToken cancellationToken = default) =>
        SyncAsync(name, force, StartOrder.None, cancellationToken);

    private async Task SyncAsync(string name, bool force, StartOrder order, CancellationToken cancellationToken)
    {
        try
        {
            using var gate = await _gates.EnterAsync(name, cancellationToken);
            // A restart scheduled after a worker process crashed may come after shutdown: nothing loads then, since
            // nothing would stop what it started.
            if (_stopRequested)
                return;
            while (await SyncOnceAsync(name, force, order) is { } earlier)
            {
                // Another plugin, earlier by name and loading at the same time, declares one of this one's types: its outcome
                // decides whether this one may serve, so this one loads again once that one serves or fails.
                await earlier.WaitAsync(_closing.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (_closing.IsCancellationRequested)
                    return;
            }
        }
        finally
        {
            order.Checked();
        }
    }

    /// <summary>Takes a lease on a served connector; null when no loaded plugin serves <paramref name="type"/>.</summary>
    internal ConnectorLease? Acquire(string type)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (!_index.TryGet(type, out var entry))
                return null;
            if (entry.Generation.TryEnter())
                return new ConnectorLease(entry.Generation, entry.Connector);
            Thread.Yield(); // retired between reading the index and entering: the index already points at its successor
        }
        return null;
    }

    /// <summary>Takes a lease on a served inbound connector's generation; null when no loaded plugin serves <paramref name="type"/>.</summary>
    internal InboundLease? AcquireInbound(string type)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (!_index.TryGetInbound(type, out var entry))
                return null;
            if (entry.Generation.TryEnter())
                return new InboundLease(entry.Generation, entry.Inbound);
            Thread.Yield();
        }
        return null;
    }

    private async Task ProcessRequestsAsync()
    {
        // Not awaited one by one: a plugin that takes long to load must not hold the next plugin's change.
        await foreach (var request in _requests.Reader.ReadAllAsync())
        {
            var sync = Task.Run(() => RunRequestAsync(request));
            lock (_stateLock)
            {
                _syncs.RemoveAll(t => t.IsCompleted);
                _syncs.Add(sync);
            }
        }
    }

    private async Task RunRequestAsync(string? request)
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

    // One attempt at bringing a plugin in line with its folder, under its gate. Returns the outcome to wait for when a
    // plugin earlier by name, loading at the same time, took one of this one's types (the attempt left nothing behind).
    private async Task<Task?> SyncOnceAsync(string name, bool force, StartOrder order)
    {
        var directory = Path.Combine(PluginsDirectory, name);
        PluginSlot? slot;
        lock (_stateLock)
            _plugins.TryGetValue(name, out slot);
        if (!Directory.Exists(directory))
        {
            if (slot is not null)
                Remove(slot);
            return null;
        }
        if (slot is null)
        {
            lock (_stateLock)
            {
                // Deployed again while a removed generation is still on its way out or leaked: the plugin keeps its slot,
                // so that generation stays listed and counted (a new slot hid it from every report) and numbers go on.
                slot = _removed.FirstOrDefault(r => r.Name == name);
                if (slot is not null)
                {
                    _removed.Remove(slot);
                    slot.FailedFingerprint = null;
                    slot.Conflicted = false;
                    slot.Crashes.Clear();
                    slot.Record("folder added again");
                }
                slot ??= new PluginSlot(name);
                _plugins[name] = slot;
            }
        }

        string fingerprint;
        try
        {
            fingerprint = PluginFolder.Fingerprint(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(slot, $"cannot read the folder: {e.Message}");
            return null;
        }
        catch (PluginLoadException e)
        {
            Fail(slot, e.Message);
            return null;
        }
        if (!force && slot.Current?.Fingerprint == fingerprint)
            return null;
        if (!force && slot.Current is null && slot.FailedFingerprint == fingerprint && !slot.Conflicted)
            return null;
        slot.Conflicted = false;

        bool isolated;
        try
        {
            isolated = _workers.Applies(name);
            slot.Isolated = isolated;
        }
        catch (PluginLoadException e)
        {
            slot.FailedFingerprint = fingerprint;
            Fail(slot, e.Message);
            return null;
        }
        try
        {
            return await LoadAndServeAsync(slot, directory, fingerprint, isolated, order);
        }
        finally
        {
            // Claims a load took are the index's once it serves; a load that ended any other way gives them back.
            lock (_stateLock)
                _claims.Release(name);
        }
    }

    private async Task<Task?> LoadAndServeAsync(PluginSlot slot, string directory, string fingerprint, bool isolated, StartOrder order)
    {
        var name = slot.Name;
        var started = Stopwatch.GetTimestamp();
        Task? earlier = null;
        void Check(PluginGeneration generation) => CheckConflicts(slot, generation, order, rival => earlier = rival);
        var number = slot.NextNumber();
        var loading = isolated
            ? _workers.LoadAsync(name, PluginsDirectory, fingerprint, number, Check)
            : _loader.LoadAsync(name, directory, fingerprint, number, Check);
        // A worker holds its plugin to LoadTimeout itself (and says so when it is stuck); starting its process comes first.
        var limit = isolated ? _options.LoadTimeout + _options.WorkerStartTimeout : _options.LoadTimeout;
        PluginGeneration generation;
        try
        {
            // Not past the catalog's stop either: a plugin still starting when the host stops (a reload just begun) held
            // the stop for up to the load timeout, and past the host's shutdown timeout no other plugin was stopped at all.
            generation = await loading.WaitAsync(limit, _closing.Token);
        }
        catch (PluginLoadException) when (earlier is not null)
        {
            return earlier; // refused before any lifecycle started, and discarded by the loader
        }
        catch (PluginLoadException e)
        {
            slot.FailedFingerprint = fingerprint;
            Fail(slot, e.Message);
            return null;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && _closing.IsCancellationRequested))
        {
            // The plugin's code is still running on its own thread; the catalog cannot stop it, only stop waiting.
            // Should it ever finish, the generation it built never serves and is unloaded.
            slot.FailedFingerprint = fingerprint;
            if (e is TimeoutException)
                Fail(slot, $"stuck: loading did not finish within {SecondsText.Of(limit)} (a constructor or IPluginLifecycle.StartAsync that blocks); the catalog went on without it");
            else
                GiveUpAtStop(slot, number);
            _ = loading.ContinueWith(t => _loader.Discard(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return null;
        }

        await order.EarlierChecked.WaitAsync(_closing.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_closing.IsCancellationRequested)
        {
            GiveUpAtStop(slot, number);
            _loader.Discard(generation);
            return null;
        }

        var previous = slot.Current;
        lock (_stateLock)
        {
            // A plugin earlier by name took one of this one's types while this one was starting: this one stops and loads
            // again after that one's outcome.
            earlier = _claims.LostTo(name);
            if (earlier is null)
            {
                generation.Become(PluginState.Loaded);
                slot.Current = generation;
                slot.Reason = null;
                slot.FailedFingerprint = null;
                if (previous is not null)
                    slot.Previous.Add(previous);
                slot.Record(previous is null ? $"generation {generation.Number} loaded" : $"generation {generation.Number} loaded, replacing {previous.Number}");
                RebuildIndex();
                _claims.Release(name);
            }
        }
        if (earlier is not null)
        {
            _loader.Discard(generation);
            return earlier;
        }
        CatalogTelemetry.Loaded(name, reload: previous is not null || generation.Number > 1);
        _logger.LogInformation("Plugin {Plugin} generation {Generation} loaded in {ElapsedMs} ms, serving {Connectors}",
            name, generation.Number, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds, generation.Connectors.Select(c => c.Metadata.Type).ToArray());
        // Served all the same: only its element template is withheld, and its author should hear why at once.
        foreach (var connector in generation.Connectors)
            if (ZeebeInputTargets.Problem(connector.Metadata) is { } problem)
                _logger.LogWarning("Plugin {Plugin} generation {Generation}: {Problem}", name, generation.Number, problem);
        Publish(name);
        if (previous is not null)
        {
            Retire(slot, previous);
            RetryConflicted();
        }
        if (generation.Worker is { } worker)
            _ = worker.Exited.ContinueWith(exited => OnWorkerExited(slot, generation, exited.Result), TaskScheduler.Default);
        return null;
    }

    private static readonly TimeSpan CrashWindow = TimeSpan.FromSeconds(60);
    private const int CrashesBeforeFailing = 5;

    /// <summary>A worker that ended while its generation was serving crashed: calls in flight were answered
    /// <c>PluginCrashed</c>; the plugin is started again after a delay that doubles with each crash, and reported
    /// <c>failed</c> with the last exit reason after <see cref="CrashesBeforeFailing"/> crashes within a minute (until its files change).</summary>
    private void OnWorkerExited(PluginSlot slot, PluginGeneration generation, string reason)
    {
        if (_stopRequested)
            return;
        int recent;
        lock (_stateLock)
        {
            if (!ReferenceEquals(slot.Current, generation))
                return; // retired on purpose (a reload, a removal)
            var now = DateTimeOffset.UtcNow;
            slot.Crashes.RemoveAll(c => now - c > CrashWindow);
            slot.Crashes.Add(now);
            recent = slot.Crashes.Count;
        }
        if (recent >= CrashesBeforeFailing)
        {
            _logger.LogError("Plugin {Plugin} generation {Generation}: its worker process crashed {Crashes} times within {WindowSeconds} s (last: {Reason}); it is failed until its files change",
                slot.Name, generation.Number, recent, (int)CrashWindow.TotalSeconds, reason);
            _ = Task.Run(async () =>
            {
                using var gate = await _gates.EnterAsync(slot.Name);
                StopServing(slot, generation, $"its worker process crashed {recent} times within {(int)CrashWindow.TotalSeconds} s; last: {reason}");
            });
            return;
        }
        var delay = TimeSpan.FromMilliseconds(250 * Math.Pow(2, recent - 1));
        _logger.LogWarning("Plugin {Plugin} generation {Generation}: its worker process crashed ({Reason}); starting it again in {DelayMs} ms",
            slot.Name, generation.Number, reason, (int)delay.TotalMilliseconds);
        _ = Task.Delay(delay).ContinueWith(_ => SyncAsync(slot.Name, force: true), TaskScheduler.Default).Unwrap()
            .ContinueWith(t => _logger.LogError(t.Exception!.GetBaseException(), "Plugin {Plugin} could not be started again", slot.Name),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Takes a generation out of service and reports the plugin failed; a change to its files loads it again.</summary>
    private void StopServing(PluginSlot slot, PluginGeneration generation, string reason)
    {
        lock (_stateLock)
        {
            if (!ReferenceEquals(slot.Current, generation))
                return;
            slot.Current = null;
            slot.Reason = reason;
            slot.FailedFingerprint = generation.Fingerprint;
            slot.Previous.Add(generation);
            slot.Record($"generation {generation.Number} stopped serving: {reason}");
            RebuildIndex();
        }
        Publish(slot.Name);
        Retire(slot, generation);
        RetryConflicted();
    }

    // Under the state lock, in one step with taking the generation's claims: what is served and what the loads in
    // progress declare are read together, so two plugins loading side by side never both pass with one type.
    private void CheckConflicts(PluginSlot slot, PluginGeneration generation, StartOrder order, Action<Task> waitFor)
    {
        var name = slot.Name;
        lock (_stateLock)
        {
            var index = _index;
            foreach (var connector in generation.Connectors)
                if (index.TryGet(connector.Metadata.Type, out var existing) && existing.Generation.PluginName != name)
                    throw Conflict(slot, $"connector type '{connector.Metadata.Type}' is already served by plugin '{existing.Generation.PluginName}'");
            foreach (var inbound in generation.Inbound)
                if (index.TryGetInbound(inbound.Metadata.Type, out var existing) && existing.Generation.PluginName != name)
                    throw Conflict(slot, $"inbound connector type '{inbound.Metadata.Type}' is already served by plugin '{existing.Generation.PluginName}'");

            // Two connectors may not take one element template id: the Modeler would know one, and templates --out would
            // write one file over the other.
            var claims = generation.Connectors.SelectMany(c => ElementTemplateClaims.Of(c.Metadata))
                .Concat(generation.Inbound.SelectMany(i => ElementTemplateClaims.Of(i.Metadata))).ToList();
            if (ElementTemplateClaims.Collision(claims, claims) is { } own)
                throw new PluginLoadException(ElementTemplateClaims.Describe(own.Claim, own.Holder));
            var held = index.Connectors.Where(c => c.PluginName != name).SelectMany(ElementTemplateClaims.Of)
                .Concat(index.InboundConnectors.Where(c => c.PluginName != name).SelectMany(ElementTemplateClaims.Of));
            if (ElementTemplateClaims.Collision(claims, held) is { } other)
                throw Conflict(slot, ElementTemplateClaims.Describe(other.Claim, other.Holder));

            if (_claims.Take(generation, claims) is { } earlier)
            {
                waitFor(earlier);
                throw new PluginLoadException("a plugin earlier by name, loading at the same time, declares one of its types");
            }
        }
        order.Checked();
    }

    // Under the state lock.
    private static PluginLoadException Conflict(PluginSlot slot, string problem)
    {
        slot.Conflicted = true;
        return new PluginLoadException(problem);
    }

    // A plugin refused because another served one of its types may load once that one serves fewer (removed, stopped,
    // or reloaded without them): each such plugin is synchronised again, after the change that is under way.
    private void RetryConflicted()
    {
        List<string> names;
        lock (_stateLock)
            names = _plugins.Values.Where(s => s.Current is null && s.Conflicted).Select(s => s.Name).ToList();
        foreach (var name in names)
            _requests.Writer.TryWrite(name);
    }

    private void Track(Task unload)
    {
        lock (_stateLock)
        {
            _retirements.RemoveAll(t => t.IsCompleted);
            _retirements.Add(unload);
        }
    }

    private void Fail(PluginSlot slot, string reason)
    {
        CatalogTelemetry.LoadFailed(slot.Name, reload: slot.Current is not null || slot.Previous.Count > 0);
        lock (_stateLock)
        {
            slot.Reason = reason;
            slot.Record(slot.Current is null ? "failed to load: " + reason : $"reload failed, generation {slot.Current.Number} keeps serving: {reason}");
        }
        StatusChanged();
        if (slot.Current is not null)
            _logger.LogWarning("Plugin {Plugin} reload failed, generation {Generation} keeps serving: {Reason}", slot.Name, slot.Current.Number, reason);
        else
            _logger.LogError("Plugin {Plugin} failed to load and is skipped: {Reason}", slot.Name, reason);
    }

    // A load the host's stop overtook did not fail: nothing is counted as a failed load, and the line says what happened
    // (it said "reload failed, generation N keeps serving" at Warning a moment before generation N was stopped too, or,
    // for a plugin's first load, "failed to load and is skipped" at Error, on an ordinary stop).
    private void GiveUpAtStop(PluginSlot slot, int number)
    {
        lock (_stateLock)
            slot.Record($"generation {number} was still loading when the host stopped; it never served");
        StatusChanged();
        _logger.LogInformation("Plugin {Plugin} generation {Generation} was still loading when the host stopped; the catalog stopped without it",
            slot.Name, number);
    }

    private void Remove(PluginSlot slot, bool shuttingDown = false)
    {
        var previous = slot.Current;
        lock (_stateLock)
        {
            _plugins.Remove(slot.Name);
            slot.Current = null;
            slot.Record("folder removed");
            RebuildIndex();
        }
        if (shuttingDown)
            _logger.LogDebug("Plugin {Plugin} stops serving: the host is shutting down", slot.Name);
        else
            _logger.LogInformation("Plugin {Plugin} folder removed; its connectors are no longer served", slot.Name);
        Publish(slot.Name);
        RetryConflicted();
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
        generation.Become(PluginState.Draining);
        generation.Retire();
        var retired = Stopwatch.GetTimestamp();
        // Off the catalog's thread from the first step: plugin stop and dispose code, and the collections that verify
        // the unload, never hold up the next load or reload.
        var retirement = Task.Run(() => _unloader.UnloadAsync(generation)).ContinueWith(_ =>
        {
            CatalogTelemetry.Retired(slot.Name, generation.State == PluginState.Leaked, Stopwatch.GetElapsedTime(retired));
            lock (_stateLock)
            {
                slot.Record(generation.State == PluginState.Leaked
                    ? $"generation {generation.Number} leaked: {generation.Reason}"
                    : $"generation {generation.Number} unloaded");
                slot.Prune();
                if (slot.Previous.All(g => g.State == PluginState.Unloaded))
                    _removed.Remove(slot); // a removed plugin stays listed only while unloading or leaked
            }
            StatusChanged();
            if (generation.State == PluginState.Leaked)
                _ = LookAgainAsync(slot, generation, retired);
        }, TaskScheduler.Default);
        Track(retirement);
    }

    // Not tracked with the retirements: waiting for unloads must not wait the hour these looks may take.
    private async Task LookAgainAsync(PluginSlot slot, PluginGeneration generation, long retired)
    {
        if (!await _unloader.CollectedLateAsync(generation, _closing.Token))
            return;
        var after = Stopwatch.GetElapsedTime(retired);
        CatalogTelemetry.UnloadedLate(slot.Name);
        lock (_stateLock)
        {
            slot.UnloadedLate(generation,
                $"unloaded late, {after.TotalSeconds:0} s after it was retired: still referenced after {_options.UnloadTimeout.TotalSeconds:0.#} s, then released");
            slot.Record($"generation {generation.Number} unloaded late");
            slot.Prune();
            if (slot.Previous.All(g => g.State == PluginState.Unloaded))
                _removed.Remove(slot);
        }
        _logger.LogInformation("Plugin {Plugin} generation {Generation} unloaded late, {Seconds:0} s after it was retired: it was reported leaked, but what held it let go",
            slot.Name, generation.Number, after.TotalSeconds);
        StatusChanged();
    }

    // Called under the state lock, in the same step that changes a slot's current generation: what the listing says
    // is serving and where calls go change together, never one ahead of the other.
    private void RebuildIndex()
    {
        var before = _index;
        var entries = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        var inbound = new Dictionary<string, InboundEntry>(StringComparer.Ordinal);
        foreach (var slot in _plugins.Values)
            if (slot.Current is { } generation)
            {
                foreach (var connector in generation.Connectors)
                    entries[connector.Metadata.Type] = new IndexEntry(generation, connector);
                foreach (var loaded in generation.Inbound)
                    inbound[loaded.Metadata.Type] = new InboundEntry(generation, loaded);
            }
        _index = new ConnectorIndex(entries, inbound, before.Version + 1);
    }

    // One publication at a time, each from the last one published to the index now: plugins change side by side, and
    // subscribers must see the snapshots in order, never an older one after a newer. Two plugins' changes made at once
    // may come as one change, named after the plugin that published it.
    private void Publish(string plugin)
    {
        StatusChanged();
        lock (_publishLock)
        {
            var now = _index;
            if (now.ChangeFrom(_published, plugin) is not { } change)
                return;
            _published = now;
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
    }

    // Fires the current token and puts a fresh one in its place; readers of Plugins after this see the new status.
    private void StatusChanged() => Interlocked.Exchange(ref _statusChange, new CancellationTokenSource()).Cancel();

    private void Notify(Action<ConnectorIndex> listener, ConnectorIndex index)
    {
        try
        {
            listener(index);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A catalog subscriber failed on connector index version {IndexVersion}", index.Version);
        }
    }

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
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
        _closing.Cancel();
        _watcher?.Dispose();
        _watcher = null;
        _requests.Writer.TryComplete();
        try
        {
            if (_requestLoop is not null)
                await _requestLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
            Task[] syncs;
            lock (_stateLock)
                syncs = _syncs.ToArray();
            await Task.WhenAll(syncs).WaitAsync(cancellationToken);
            using (await _gates.EnterAllAsync(cancellationToken))
            {
                List<PluginSlot> slots;
                lock (_stateLock)
                    slots = _plugins.Values.ToList();
                foreach (var slot in slots)
                    Remove(slot, shuttingDown: true);
            }
            await WaitForUnloadsAsync().WaitAsync(cancellationToken);
            _files.Dispose();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The copies of the generations abandoned here stay (calls may still run in them until the process ends);
            // the next catalog to start deletes them.
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
}
