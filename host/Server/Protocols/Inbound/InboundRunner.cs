using System.Threading.Channels;
using Switchboard.Core.Metadata;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Keeps one running loop per polling or subscription activation, following the activations (configured,
/// discovered, activated by a task) and the catalog (a plugin loaded, reloaded or removed).</summary>
/// <remarks>Every change is reconciled on one task, in order. A reload starts the new generation's loop before the old
/// one is stopped; the new one polls only once the old one has stopped (or, its connector's code not stopping, been
/// abandoned), so no event is handled twice at once. Stopping happens beside the reconciling, never in its way: one
/// activation that will not stop holds up no other.</remarks>
internal sealed class InboundRunner(PluginCatalog catalog, ActivationRegistry registry, ActivationServices services, ILogger<InboundRunner> logger)
    : IHostedService
{
    private readonly Dictionary<string, ActivationLoop> _running = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _stopping = [];
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private IDisposable? _catalogSubscription;
    private Task _reconciling = Task.CompletedTask;

    /// <summary>The loop running for each activation now (for <c>GET /inbound</c>).</summary>
    public ActivationLoop? Find(string activationId)
    {
        lock (_running)
            return _running.GetValueOrDefault(activationId);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registry.Changed += Signal;
        _catalogSubscription = catalog.Subscribe(_ => Signal());
        _reconciling = Task.Run(ReconcileAsync, CancellationToken.None);
        Signal();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        registry.Changed -= Signal;
        _catalogSubscription?.Dispose();
        _changes.Writer.TryComplete();
        await _reconciling.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        List<ActivationLoop> loops;
        List<Task> stopping;
        lock (_running)
        {
            loops = [.. _running.Values];
            _running.Clear();
            stopping = [.. _stopping];
        }
        // Each loop is held to the stop timeout, so this ends by then even with connector code that never stops.
        await Task.WhenAll(loops.Select(l => l.StopAsync()).Concat(stopping)).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void Signal() => _changes.Writer.TryWrite(true);

    private async Task ReconcileAsync()
    {
        await foreach (var _ in _changes.Reader.ReadAllAsync())
        {
            try
            {
                ReconcileOnce();
            }
            catch (Exception e)
            {
                logger.LogError(e, "Inbound activations could not be brought up to date via {Protocol}", "Inbound");
            }
        }
    }

    private void ReconcileOnce()
    {
        var index = catalog.Index;
        var wanted = new Dictionary<string, Activation>(StringComparer.Ordinal);
        foreach (var activation in registry.All)
        {
            if (index.TryGetInbound(activation.ConnectorType, out var entry) && entry.Metadata.Kind != InboundKind.Webhook)
                wanted.TryAdd(activation.Id, activation);
        }

        var stopping = new List<ActivationLoop>();
        foreach (var (id, activation) in wanted)
        {
            ActivationLoop? old;
            lock (_running)
                old = _running.GetValueOrDefault(id);
            var lease = catalog.AcquireInbound(activation.ConnectorType);
            if (lease is null)
                continue;
            if (old is not null && old.Activation == activation && ReferenceEquals(lease.Generation, old.Generation))
            {
                lease.Dispose();
                continue;
            }
            // The loop owns the lease from here and gives it back when it has stopped.
            ActivationLoop loop = lease.Metadata.Kind == InboundKind.Polling
                ? new PollingLoop(activation, lease, services)
                : new SubscriptionLoop(activation, lease, services);
            loop.Start(old?.Released ?? Task.CompletedTask);
            lock (_running)
                _running[id] = loop;
            if (old is not null)
                stopping.Add(old);
            logger.LogInformation("Inbound activation {Activation} ({Connector}) via {Protocol} activated on {Plugin} generation {Generation}",
                id, activation.ConnectorType, loop.Metadata.Kind, loop.Generation.PluginName, loop.Generation.Number);
        }
        lock (_running)
        {
            foreach (var id in _running.Keys.Where(id => !wanted.ContainsKey(id)).ToList())
            {
                stopping.Add(_running[id]);
                _running.Remove(id);
            }
        }
        foreach (var old in stopping)
            Stop(old);
    }

    // Not awaited by the reconciling: each stop is kept until done, for the host's shutdown to wait for.
    private void Stop(ActivationLoop old)
    {
        var stopped = StopAsync(old);
        lock (_running)
            _stopping.Add(stopped);
        stopped.ContinueWith(done =>
        {
            lock (_running)
                _stopping.Remove(done);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task StopAsync(ActivationLoop old)
    {
        // A loop that did not stop in time said so itself.
        if (await old.StopAsync())
            logger.LogInformation("Inbound activation {Activation} ({Connector}) via {Protocol} deactivated on {Plugin} generation {Generation}",
                old.Activation.Id, old.Activation.ConnectorType, old.Metadata.Kind, old.Generation.PluginName, old.Generation.Number);
    }
}
