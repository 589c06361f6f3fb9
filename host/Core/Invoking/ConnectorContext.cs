using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Core.Invoking;

/// <summary>The host's side of <see cref="IConnectorContext"/> for one call.</summary>
internal sealed class ConnectorContext(ILogger logger, CancellationToken cancellationToken, IPluginContext plugin, InvocationInfo invocation, IReadOnlyList<object>? features = null) : IConnectorContext
{
    public ILogger Logger { get; } = logger;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public string PluginDirectory => plugin.PluginDirectory;
    public IConfiguration Configuration => plugin.Configuration;
    public InvocationInfo Invocation { get; } = invocation;

    /// <summary>The protocol's own details of the call (a Zeebe job, a SpiffWorkflow task), as the adapter handed them over.</summary>
    public TFeature? Get<TFeature>() where TFeature : class => features?.OfType<TFeature>().FirstOrDefault();
}
