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
            // Off this loop's thread, binding and constructor included: a run that blocks holds only its own thread.
            var run = StartConnector<string?>(async (instance, binding) =>
            {
                try
                {
                    var context = new SubscriptionContext(this, binding, stop);
                    await ((Task?)Invoke(instance, binding.Properties, context) ?? throw new InvalidOperationException("the connector returned no task (null)"));
                    return stop.IsCancellationRequested ? null : "the subscription ended by itself";
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return null;
                }
                catch (Exception e)
                {
                    return RunFailed(e, binding);
                }
            }, Misconfigured, RunFailed);
            var problem = await run.Result;
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

    private string RunFailed(Exception e, ActivationBinding binding)
    {
        Logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the subscription failed",
            Activation.Id, Activation.ConnectorType, "Subscription");
        return "the subscription failed: " + Describe(e, binding);
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

        public async Task<EventOutcome> PublishAsync(object? @event)
        {
            if (stop.IsCancellationRequested)
                return (await loop.CorrelateAsync(@event, eventId: null, stop)).ToOutcome();
            // An event being published is delivered even if the activation stops meanwhile (a reload, a deactivation),
            // bounded by the call timeout as a poll's event is: cancelled, its publish could reach Zeebe while the
            // subscription was told Failed, and the source delivered it again, to be published twice.
            using var delivery = new CancellationTokenSource(loop.Services.CatalogOptions.DefaultTimeout);
            return (await loop.CorrelateAsync(@event, eventId: null, delivery.Token)).ToOutcome();
        }

        public void ReportUp() => loop.Health.Up();

        public void ReportDown(string reason) => loop.Health.Down(binding.Masker.Apply(reason ?? "no reason given"));
    }
}
