using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Inbound;
using Switchboard.Host.Catalog;
using Switchboard.Host.Protocols.Inbound;

namespace Switchboard.Host.Isolation;

/// <summary>The context a subscription running in a worker process publishes through: each event is written here (its
/// getters are the plugin's code) and sent to the host, which correlates it and answers with the outcome; its reports of
/// its health go to the host, masked here, where the activation's secrets are known.</summary>
internal sealed class WorkerSubscriptionContext(WorkerServer server, long subscription, string activationId, PluginGeneration generation,
    ActivationBinding binding, ILoggerFactory loggers, CancellationToken stop) : ISubscriptionContext
{
    public string ActivationId => activationId;
    public ILogger Logger { get; } = InboundConnectorCall.PluginLogger(loggers, generation, binding);
    public CancellationToken CancellationToken => stop;
    public IConfiguration Configuration => generation.PluginContext.Configuration;
    public string PluginDirectory => generation.PluginContext.PluginDirectory;
    public TFeature? Get<TFeature>() where TFeature : class => FeelExpressions.Feature<TFeature>();

    public Task<EventOutcome> PublishAsync(object? @event) => server.PublishAsync(subscription, generation.Writer.Write(@event));

    public void ReportUp() => server.ReportHealth(subscription, up: true, null);

    public void ReportDown(string reason) => server.ReportHealth(subscription, up: false, binding.Masker.Apply(reason ?? "no reason given"));
}
