using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Switchboard.Abstractions;

/// <summary>What a connector receives with each call.</summary>
public interface IConnectorContext
{
    /// <summary>Logger scoped to the connector and the call; secret parameter values are masked.</summary>
    ILogger Logger { get; }

    /// <summary>Signalled when the call times out, the caller goes away or the host stops.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>The plugin's own folder (plugins are loaded from memory, so their assembly has no location); read-only
    /// to the plugin, as <see cref="IPluginContext.PluginDirectory"/> says.</summary>
    string PluginDirectory { get; }

    /// <summary>The plugin's configuration section (<c>Plugins:&lt;PluginName&gt;</c>).</summary>
    IConfiguration Configuration { get; }

    /// <summary>Which protocol, connector and caller ids this call belongs to.</summary>
    InvocationInfo Invocation { get; }

    /// <summary>A protocol's own details of this call, looked up by type as <c>HttpContext.Features</c> are:
    /// <see cref="Zeebe.ZeebeJob"/> for a Zeebe job, <see cref="Spiff.SpiffTask"/> for a SpiffWorkflow call; null when the
    /// call did not come that way. Connectors that read one still work, with less detail, on every other protocol.</summary>
    TFeature? Get<TFeature>() where TFeature : class => null;
}
