using Microsoft.Extensions.Options;
using Switchboard.Abstractions;
using Switchboard.Core.Describing;
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
    private Task _running = Task.CompletedTask;

    public Activation Activation { get; } = activation;

    public InboundDefinition Definition { get; } = lease.Definition;

    public PluginGeneration Generation { get; } = lease.Generation;

    public ActivationHealth Health { get; } = new(services.Time);

    protected ActivationServices Services { get; } = services;

    protected ILogger Logger { get; } = services.Loggers.CreateLogger("Switchboard.Host.Protocols.Inbound." + activation.Id);

    /// <summary>Starts the loop once <paramref name="predecessor"/> (the loop this one replaces) has stopped, so the
    /// two never poll or consume at once.</summary>
    public void Start(Task predecessor) => _running = Task.Run(async () =>
    {
        await predecessor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
                Activation.Id, Activation.ConnectorType, Definition.Metadata.Kind);
        }
    });

    /// <summary>A task that completes when the loop has stopped (for the loop that replaces it).</summary>
    public Task Stopped => _running;

    /// <summary>Deactivates: signals the connector, waits for it, then gives the generation back.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lease.Dispose();
        _stop.Dispose();
    }

    protected abstract Task RunAsync(CancellationToken stop);

    /// <summary>Binds the properties, creates the connector, and runs <paramref name="call"/> with them inside the
    /// plugin's load context; the instance is disposed after. <paramref name="misconfigured"/> when binding failed,
    /// <paramref name="failed"/> when the connector could not be created (the loop goes on and tries again).</summary>
    protected Task<T> WithConnectorAsync<T>(Func<object, ActivationBinding, Task<T>> call, Func<ActivationBinding, T> misconfigured,
        Func<Exception, ActivationBinding, T> failed) =>
        InboundConnectorCall.RunAsync(Generation, Definition, Activation, misconfigured, call, failed);

    /// <summary>Calls the connector's method (<c>PollAsync</c> or <c>RunAsync</c>) without wrapping what it throws.</summary>
    protected object Invoke(object instance, params object?[] arguments) => InboundConnectorCall.Invoke(Definition, instance, arguments);

    /// <summary>The plugin's logger for this activation, its secret properties masked.</summary>
    protected ILogger PluginLogger(ActivationBinding binding) => InboundConnectorCall.PluginLogger(Services.Loggers, Generation, binding);

    /// <summary>A connector's failure as one line: its code and message (and the field, for an input error), secrets masked.</summary>
    protected static string Describe(Exception e, ActivationBinding binding) => binding.Masker.Apply(e switch
    {
        ConnectorInputException { Field: { } field } input => $"{input.Code}: {field} {input.Message}",
        ConnectorException connector => $"{connector.Code}: {connector.Message}",
        // A constructor that threw: the core's message names the class and what it threw.
        PluginLoadException load => load.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    });

    /// <summary>Correlates one event the connector produced and records what became of it.</summary>
    /// <param name="eventId">The event's message id when the activation declares none, stable across deliveries of
    /// the same event; null for a random one.</param>
    protected async Task<Correlation> CorrelateAsync(object? @event, string? eventId, CancellationToken stop)
    {
        using var span = Telemetry.InboundTelemetry.Start(Activation.ConnectorType, Activation.Id, Definition.Metadata.Kind.ToString().ToLowerInvariant());
        var json = Generation.Writer.Write(@event);
        var correlation = await Services.Correlator.CorrelateAsync(Activation, json, eventId, stop);
        Services.Activity.Record(Activation, correlation.HttpStatus, correlation.Message);
        Logger.Log(correlation.Succeeded || correlation.HttpStatus is 409 or 422 ? LogLevel.Information : LogLevel.Warning,
            "Inbound activation {Activation} ({Connector}) via {Protocol}: {Outcome}",
            Activation.Id, Activation.ConnectorType, Definition.Metadata.Kind, correlation.Message);
        return correlation;
    }
}
