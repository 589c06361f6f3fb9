using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Core.Inbound;

/// <summary>The <see cref="IInboundContext"/> of one webhook request or poll, in the host and the author kit alike.</summary>
internal sealed class InboundContext(string activationId, ILogger logger, CancellationToken cancellationToken, IPluginContext plugin) : IInboundContext
{
    public string ActivationId { get; } = activationId;
    public ILogger Logger { get; } = logger;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public IConfiguration Configuration => plugin.Configuration;
    public string PluginDirectory => plugin.PluginDirectory;
    public TFeature? Get<TFeature>() where TFeature : class => FeelExpressions.Feature<TFeature>();
}
