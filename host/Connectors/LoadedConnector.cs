using System.Threading.RateLimiting;
using Switchboard.Host.Metadata;

namespace Switchboard.Host.Connectors;

/// <summary>A connector instance of one plugin generation, with its metadata and one invoker per operation.</summary>
internal sealed class LoadedConnector(ConnectorMetadata metadata, object instance, IReadOnlyDictionary<string, OperationInvoker> invokers)
{
    public ConnectorMetadata Metadata { get; } = metadata;

    /// <summary>The plugin's object; disposed with its generation.</summary>
    public object Instance { get; } = instance;

    /// <summary>Invokers keyed by operation id (empty for a single operation).</summary>
    public IReadOnlyDictionary<string, OperationInvoker> Invokers { get; } = invokers;

    /// <summary>How many calls may run and wait at once.</summary>
    public ConcurrencyLimits Limits { get; private set; } = ConcurrencyLimits.Default;

    /// <summary>Bounds the connector's concurrent calls, so one slow or blocking connector cannot take every thread.</summary>
    public ConcurrencyLimiter Limiter { get; private set; } = ConcurrencyLimits.Default.CreateLimiter();

    /// <summary>Applies the plugin's configured limits (set once, at load, before the connector serves).</summary>
    public void Limit(ConcurrencyLimits limits)
    {
        Limits = limits;
        Limiter = limits.CreateLimiter();
    }
}
