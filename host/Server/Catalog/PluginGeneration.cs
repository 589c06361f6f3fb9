using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Host.Connectors;
using Switchboard.Core.Metadata;
using Switchboard.Host.Isolation;

namespace Switchboard.Host.Catalog;

/// <summary>One load of one plugin: its isolated context, connector instances and in-flight call count.</summary>
/// <remarks>
/// Calls hold a lease; a retired generation accepts no new lease and completes <see cref="Drained"/> when
/// the last one ends. After <see cref="Release"/> only the weak reference to the context remains.
/// </remarks>
internal sealed class PluginGeneration
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private bool _retired;
    private PluginLoader? _loader;
    private AssemblyLoadContext? _context;
    private GenerationStatus _status;

    public PluginGeneration(string pluginName, int number, PluginLoader loader, AssemblyLoadContext context, string fingerprint,
        string? version, TypeModels models, OutputWriter writer, IPluginContext pluginContext)
    {
        PluginName = pluginName;
        Number = number;
        _status = new GenerationStatus(number, PluginState.Loading, null);
        _loader = loader;
        _context = context;
        ContextReference = new WeakReference(context, trackResurrection: false);
        Fingerprint = fingerprint;
        Version = version;
        Models = models;
        Writer = writer;
        PluginContext = pluginContext;
    }

    /// <summary>A generation whose plugin runs in a worker process (process isolation): no load context in the host;
    /// its connectors are the worker's metadata, and calls go to <paramref name="worker"/>.</summary>
    public PluginGeneration(string pluginName, int number, string fingerprint, WorkerProcess worker, IPluginContext pluginContext)
    {
        PluginName = pluginName;
        Number = number;
        _status = new GenerationStatus(number, PluginState.Loading, null);
        Fingerprint = fingerprint;
        ContextReference = new WeakReference(null);
        Models = null!;
        Writer = null!;
        PluginContext = pluginContext;
        Worker = worker;
    }

    /// <summary>The worker process serving this generation under process isolation; null when it is loaded in the host.</summary>
    public WorkerProcess? Worker { get; }

    public string PluginName { get; }
    public int Number { get; }
    public string Fingerprint { get; }
    public string? Version { get; }
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;
    public WeakReference ContextReference { get; }
    public IPluginContext PluginContext { get; }
    public TypeModels Models { get; private set; }
    public OutputWriter Writer { get; private set; }
    public IReadOnlyList<LoadedConnector> Connectors { get; set; } = [];
    public IReadOnlyList<LoadedInbound> Inbound { get; set; } = [];
    public IReadOnlyList<IPluginLifecycle> Lifecycles { get; set; } = [];

    /// <summary>Each lifecycle whose <c>StartAsync</c> was called, with its start, in order: what unloading stops (those
    /// whose start succeeded, including one that finishes after its load was given up).</summary>
    public List<(IPluginLifecycle Lifecycle, Task Start)> Starts { get; private set; } = [];
    /// <summary>Where the generation is and why, as one value: readers of the catalog's status (other threads) see a
    /// state with its own reason, never a new state beside the reason of the one before or before its reason is set.</summary>
    public GenerationStatus Status => Volatile.Read(ref _status);

    public PluginState State => Status.State;
    public string? Reason => Status.Reason;

    /// <summary>Moves to <paramref name="state"/>, for <paramref name="reason"/> (none clears the last one).</summary>
    public void Become(PluginState state, string? reason = null)
    {
        lock (_lock)
            Volatile.Write(ref _status, new GenerationStatus(Number, state, Protocols.StatusText.Cut(reason)));
    }

    /// <summary>Gives the current state a reason (or clears it) without leaving it.</summary>
    public void Explain(string? reason)
    {
        lock (_lock)
            Volatile.Write(ref _status, _status with { Reason = Protocols.StatusText.Cut(reason) });
    }
    public Task Drained => _drained.Task;

    /// <summary>The load context, for running plugin code with contextual reflection; null once released.</summary>
    public AssemblyLoadContext? Context => _context;

    public bool TryEnter()
    {
        lock (_lock)
        {
            if (_retired)
                return false;
            _inFlight++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            if (--_inFlight == 0 && _retired)
                _drained.TrySetResult();
        }
    }

    public int InFlight
    {
        get { lock (_lock) return _inFlight; }
    }

    /// <summary>Stops new calls; <see cref="Drained"/> completes when the running ones end.</summary>
    public void Retire()
    {
        lock (_lock)
        {
            _retired = true;
            if (_inFlight == 0)
                _drained.TrySetResult();
        }
    }

    /// <summary>Drops every strong reference into the plugin and starts unloading its context.</summary>
    public void Release()
    {
        Connectors = [];
        Inbound = [];
        Lifecycles = [];
        Starts = [];
        Models = null!;
        Writer = null!;
        _context = null;
        var loader = _loader;
        _loader = null;
        loader?.Dispose();
    }
}
