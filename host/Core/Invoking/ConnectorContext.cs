using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Core.Invoking;

/// <summary>The host's side of <see cref="IConnectorContext"/> for one call.</summary>
/// <remarks>The call's description and its masking logger are made when the connector first asks for them: most
/// connectors never do, and every call would otherwise pay for both.</remarks>
internal sealed class ConnectorContext : IConnectorContext
{
    private readonly ILogger _pluginLogger;
    private readonly SecretMasker _masker;
    private readonly IPluginContext _plugin;
    private readonly IReadOnlyList<object>? _features;
    private readonly Func<object, InvocationInfo>? _describe;
    private readonly object? _state;
    private InvocationInfo? _invocation;
    private ILogger? _logger;

    /// <summary>A context describing its call as <paramref name="invocation"/>.</summary>
    public ConnectorContext(ILogger pluginLogger, SecretMasker masker, CancellationToken cancellationToken, IPluginContext plugin, InvocationInfo invocation,
        IReadOnlyList<object>? features = null)
        : this(pluginLogger, masker, cancellationToken, plugin, null, null, features) => _invocation = invocation;

    /// <summary>A context that describes its call with <paramref name="describe"/>(<paramref name="state"/>) when first asked.</summary>
    public ConnectorContext(ILogger pluginLogger, SecretMasker masker, CancellationToken cancellationToken, IPluginContext plugin,
        Func<object, InvocationInfo>? describe, object? state, IReadOnlyList<object>? features = null)
    {
        _pluginLogger = pluginLogger;
        _masker = masker;
        CancellationToken = cancellationToken;
        _plugin = plugin;
        _describe = describe;
        _state = state;
        _features = features;
    }

    // Made at most once in practice; two threads asking at once each get an equal one, which is harmless.
    public ILogger Logger => _logger ??= new MaskingLogger(_pluginLogger, _masker, _plugin.PluginName, Invocation);
    public CancellationToken CancellationToken { get; }
    public string PluginDirectory => _plugin.PluginDirectory;
    public IConfiguration Configuration => _plugin.Configuration;
    public InvocationInfo Invocation => _invocation ??= _describe!(_state!);

    /// <summary>The protocol's own details of the call (a Zeebe job, a SpiffWorkflow task), as the adapter handed them over.</summary>
    public TFeature? Get<TFeature>() where TFeature : class => _features?.OfType<TFeature>().FirstOrDefault();
}
