using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Core.Invoking;

/// <summary>The host's side of <see cref="IConnectorContext"/> for one call.</summary>
internal sealed class ConnectorContext(ILogger logger, CancellationToken cancellationToken, IPluginContext plugin, InvocationInfo invocation) : IConnectorContext
{
    public ILogger Logger { get; } = logger;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public string PluginDirectory => plugin.PluginDirectory;
    public IConfiguration Configuration => plugin.Configuration;
    public InvocationInfo Invocation { get; } = invocation;
}
