using Switchboard.Core.Inbound;
using Microsoft.Extensions.Options;
using Switchboard.Abstractions;
using Switchboard.Core.Describing;
using Switchboard.Core.Metadata;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>What every running activation needs from the host.</summary>
internal sealed record ActivationServices(InboundCorrelator Correlator, CursorStore Cursors, IOptions<InboundOptions> Options,
    CatalogOptions CatalogOptions, InboundActivity Activity, ILoggerFactory Loggers, TimeProvider Time);

/// <summary>One polling or subscription activation running on one plugin generation, which it holds a lease on until
/// it has stopped: a reload starts the new generation's loop, and this one stops, so the old generation can unload.</summary>
internal abstract class ActivationLoop(Activation activation, InboundLease lease, ActivationServices services)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;

    public Activation Activation { get; } = activation;

    /// <summary>What the connector declared.</summary>
    public InboundConnectorMetadata Metadata { get; } = lease.Metadata;

    /// <summary>How to create and call the connector in the host; null when its plugin runs in a worker process
    /// (<see cref="PluginGeneration.Worker"/>), which then runs it.</summary>
    protected InboundDefinition? Definition { get; } = lease.Definition;

    public PluginGeneration Generation { get; } = lease.Generation;

    public ActivationHealth Health { get; } = new(services.Time);

    protected ActivationServices Services { get; } = services;

    protected ILogger Logger { get; } = services.Loggers.CreateLogger("Switchboard.Host.Protocols.Inbound." + activation.Id);

    /// <summary>Starts the loop once <paramref name="predecessor"/> (the <see cref="Released"/> of the loop this one
    /// replaces) has completed, so the two never poll or consume at once.</summary>
    public void Start(Task predecessor) => _running = Task.Run(async () =>
    {
        await predecessor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Up only once the connector is seen to work: a subscription when its run starts, a poller when a poll has gone
        // through. Said here, a poller whose first poll hung was shown up though nothing had been polled.
        try
        {
            await RunAsync(_stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The loops catch the plugin's failures themselves; this is ours, and the activation stays down with it.
            Health.Down("the activation stopped: " + e.Message);
            Logger.LogError(e, "Inbound activation {Activation} ({Connector}) via {Protocol} stopped on an error of the adapter",
                Activation.Id, Activation.ConnectorType, Metadata.Kind);
        }
    });

    /// <summary>Completes when the loop has stopped, or was abandoned because its connector's code would not stop
    /// (for the loop that replaces it).</summary>
    public Task Released => _released.Task;

    /// <summary>Deactivates: signals the connector and waits for it, at most <see cref="CatalogOptions.StopTimeout"/>,
    /// then gives the generation back. Connector code still running then (deaf to its token, or blocking its thread)
    /// is reported and abandoned: the activation's replacement starts and the generation is given back all the same,
    /// so that it unloads (or is reported leaked, when that code keeps it in memory) rather than stays draining, and
    /// the host's shutdown does not wait for it. True when the loop stopped in time.</summary>
    public async Task<bool> StopAsync()
    {
        // Cancelling runs the callbacks the connector registered on its token: plugin code, held to the same limit.
        var stopped = Task.WhenAll(_stop.CancelAsync(), _running);
        var limit = Services.CatalogOptions.StopTimeout;
        try
        {
            await stopped.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Logger.LogWarning("Inbound activation {Activation} ({Connector}) via {Protocol} on {Plugin} generation {Generation} did not stop within {StopSeconds} s: its connector's code is still running (deaf to its cancellation token, or blocking its thread); it is abandoned and the generation unloads without it",
                Activation.Id, Activation.ConnectorType, Metadata.Kind, Generation.PluginName, Generation.Number, limit.TotalSeconds);
            _released.TrySetResult();
            // The token stays undisposed: the abandoned code may still read it.
            lease.Dispose();
            return false;
        }
        catch (Exception)
        {
            // The loop never throws; a callback on the token that threw is the connector's and changes nothing here.
        }
        _released.TrySetResult();
        lease.Dispose();
        _stop.Dispose();
        return true;
    }

    protected abstract Task RunAsync(CancellationToken stop);

    private string? _misconfiguration;

    // Events that could not be correlated since the last one that was (see CorrelateWrittenAsync).
    private int _failedInARow;

    /// <summary>The activation's properties do not bind: its problem, logged as a warning the first time (and again
    /// only when it changes), since the activation tries again after every wait and would say it each time.</summary>
    protected string Misconfigured(string problem)
    {
        if (Interlocked.Exchange(ref _misconfiguration, problem) != problem)
            Logger.LogWarning("Inbound activation {Activation} ({Connector}) via {Protocol} cannot run: {Problem}",
                Activation.Id, Activation.ConnectorType, Metadata.Kind, problem);
        return problem;
    }

    /// <summary>The plugin's logger for this activation, its secret properties masked.</summary>
    protected ILogger PluginLogger(ActivationBinding binding) => InboundConnectorCall.PluginLogger(Services.Loggers, Generation, binding);

    /// <summary>Correlates one event the connector produced, already written as JSON (its getters are plugin code, run
    /// where the connector's code runs), and records what became of it.</summary>
    /// <param name="eventId">The event's message id when the activation declares none, stable across deliveries of
    /// the same event; null for a random one.</param>
    /// <param name="logSettled">Whether an event that was settled (correlated, already correlated, unmatched) gets a log
    /// line of its own; one that was not always does.</param>
    protected async Task<Correlation> CorrelateWrittenAsync(System.Text.Json.Nodes.JsonNode? json, string? eventId, CancellationToken stop, bool logSettled = true)
    {
        using var span = Telemetry.InboundTelemetry.Start(Activation.ConnectorType, Activation.Id, Metadata.Kind.ToString().ToLowerInvariant());
        var correlation = await Services.Correlator.CorrelateAsync(Activation, json, eventId, stop);
        Services.Activity.Record(Activation, correlation.HttpStatus, correlation.Message);
        var settled = correlation.ToOutcome().IsSettled;
        // Events that fail one after another (the gateway down, a subscription redelivering) are said once, at the first,
        // and their number once they go through again: a line per event would flood the log, as the job worker's
        // repeated failures would.
        var level = correlation.Succeeded || correlation.HttpStatus is 409 or 422 ? LogLevel.Information : LogLevel.Warning;
        if (settled)
        {
            if (Interlocked.Exchange(ref _failedInARow, 0) is > 1 and var failed)
                Logger.LogInformation("Inbound activation {Activation} ({Connector}) via {Protocol} correlates events again; {Failed} in a row could not be correlated",
                    Activation.Id, Activation.ConnectorType, Metadata.Kind, failed);
        }
        else if (Interlocked.Increment(ref _failedInARow) > 1)
            level = LogLevel.Debug;
        if (logSettled || !settled)
            Logger.Log(level, "Inbound activation {Activation} ({Connector}) via {Protocol}: {Outcome}",
                Activation.Id, Activation.ConnectorType, Metadata.Kind, correlation.Message);
        return correlation;
    }
}
