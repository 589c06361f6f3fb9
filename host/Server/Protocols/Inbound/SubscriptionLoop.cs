using Switchboard.Core.Inbound;
using System.Diagnostics;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Runs a subscription connector for one activation, for as long as the activation lasts: started once, its
/// events correlated as it publishes them; when it ends or fails by itself it is reported down and started again after
/// a delay that doubles up to a minute (and starts over after a run of a minute or more).</summary>
internal sealed class SubscriptionLoop(Activation activation, InboundLease lease, ActivationServices services)
    : ActivationLoop(activation, lease, services)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1), LongestRetry = TimeSpan.FromMinutes(1);

    protected override async Task RunAsync(CancellationToken stop)
    {
        var retry = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            Health.Up();
            // Off this loop's thread, binding and constructor included: a run that blocks holds only its own thread. Under
            // process isolation the plugin's worker runs it, and what it publishes and reports comes back here.
            var run = Generation.Worker is { } worker
                ? Isolation.WorkerInbound.Subscribe(worker, Generation.PluginName, Activation, new Subscriber(this, stop), stop)
                : SubscriptionCall.Start(Generation, Definition!, Activation, binding => new SubscriptionContext(this, binding, stop), Logger, stop);
            var (problem, misconfigured) = await run.Result;
            if (misconfigured)
                problem = Misconfigured(problem!);
            // The next run starts once this one's instance is disposed: never two at once.
            await run.Ended.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (problem is null)
                return;
            Health.Down(problem);
            retry = Stopwatch.GetElapsedTime(started) >= LongestRetry ? FirstRetry : retry;
            await Task.Delay(retry, Services.Time, stop);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <summary>The context a running subscription publishes through.</summary>
    private sealed class SubscriptionContext(SubscriptionLoop loop, ActivationBinding binding, CancellationToken stop) : ISubscriptionContext
    {
        public string ActivationId => loop.Activation.Id;
        public ILogger Logger { get; } = loop.PluginLogger(binding);
        public CancellationToken CancellationToken => stop;
        public IConfiguration Configuration => loop.Generation.PluginContext.Configuration;
        public string PluginDirectory => loop.Generation.PluginContext.PluginDirectory;
        public TFeature? Get<TFeature>() where TFeature : class => FeelExpressions.Feature<TFeature>();

        // Written here, on the connector's thread: its getters are plugin code.
        public Task<EventOutcome> PublishAsync(object? @event) => loop.PublishAsync(loop.Generation.Writer.Write(@event), stop);

        public void ReportUp() => loop.Health.Up();

        public void ReportDown(string reason) => loop.Health.Down(binding.Masker.Apply(reason ?? "no reason given"));
    }

    /// <summary>A subscription running in the plugin's worker process, as this loop sees it: the events it publishes
    /// (written and its reasons masked there) are correlated here, and its reports kept as the activation's health.</summary>
    private sealed class Subscriber(SubscriptionLoop loop, CancellationToken stop) : Isolation.IWorkerSubscriber
    {
        public Task<EventOutcome> PublishAsync(System.Text.Json.Nodes.JsonNode? @event) => loop.PublishAsync(@event, stop);

        public void Health(bool up, string? reason)
        {
            if (up)
                loop.Health.Up();
            else
                loop.Health.Down(reason ?? "no reason given");
        }
    }

    private async Task<EventOutcome> PublishAsync(System.Text.Json.Nodes.JsonNode? @event, CancellationToken stop)
    {
        if (stop.IsCancellationRequested)
            return (await CorrelateWrittenAsync(@event, eventId: null, stop)).ToOutcome();
        // An event being published is delivered even if the activation stops meanwhile (a reload, a deactivation),
        // bounded by the call timeout as a poll's event is: cancelled, its publish could reach Zeebe while the
        // subscription was told Failed, and the source delivered it again, to be published twice.
        using var delivery = new CancellationTokenSource(Services.CatalogOptions.DefaultTimeout);
        return (await CorrelateWrittenAsync(@event, eventId: null, delivery.Token)).ToOutcome();
    }
}
