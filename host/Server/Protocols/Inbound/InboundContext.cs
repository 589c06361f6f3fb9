using Switchboard.Core.Inbound;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The host's side of <see cref="IInboundContext"/> for one event.</summary>
internal sealed class InboundContext(string activationId, ILogger logger, CancellationToken cancellationToken, IPluginContext plugin) : IInboundContext
{
    public string ActivationId { get; } = activationId;
    public ILogger Logger { get; } = logger;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public IConfiguration Configuration => plugin.Configuration;
    public string PluginDirectory => plugin.PluginDirectory;
    public TFeature? Get<TFeature>() where TFeature : class => FeelExpressions.Feature<TFeature>();
}
