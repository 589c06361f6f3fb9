using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Switchboard.Abstractions.Inbound;

/// <summary>What an inbound connector receives with each event of one activation.</summary>
public interface IInboundContext
{
    /// <summary>The activation the event belongs to (its id in configuration, or the BPMN element it came from).</summary>
    string ActivationId { get; }

    /// <summary>Logger of the plugin; the activation's secret properties are masked.</summary>
    ILogger Logger { get; }

    /// <summary>Signalled when the caller goes away, the call times out or the host stops.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>The plugin's configuration section (<c>Plugins:&lt;PluginName&gt;</c>).</summary>
    IConfiguration Configuration { get; }

    /// <summary>The plugin's own folder; read-only to the plugin, as <see cref="IPluginContext.PluginDirectory"/> says
    /// (keep a poller's own state elsewhere: the host keeps its cursor).</summary>
    string PluginDirectory { get; }

    /// <summary>A service of the host, looked up by type as <c>HttpContext.Features</c> are:
    /// <see cref="IExpressionEvaluator"/> evaluates the FEEL expressions an element's properties hold (an API key
    /// locator, a permissions expression); null where the host offers none.</summary>
    TFeature? Get<TFeature>() where TFeature : class => null;
}
