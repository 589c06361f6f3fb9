using System.Threading.RateLimiting;
using Switchboard.Host.Metadata;

namespace Switchboard.Host.Connectors;

/// <summary>A connector instance of one plugin generation, with its metadata and one invoker per operation.</summary>
internal sealed class LoadedConnector(ConnectorMetadata metadata, object instance, IReadOnlyDictionary<string, OperationInvoker> invokers, ConcurrencyLimits limits)
{
    public ConnectorMetadata Metadata { get; } = metadata;

    /// <summary>The plugin's object; disposed with its generation.</summary>
    public object Instance { get; } = instance;

    /// <summary>Invokers keyed by operation id (empty for a single operation).</summary>
    public IReadOnlyDictionary<string, OperationInvoker> Invokers { get; } = invokers;

    /// <summary>How many calls may run and wait at once: the catalog's limits with the plugin's own settings applied.</summary>
    public ConcurrencyLimits Limits { get; } = limits;

    /// <summary>Bounds the connector's concurrent calls, so one slow or blocking connector cannot take every thread.</summary>
    public ConcurrencyLimiter Limiter { get; } = limits.CreateLimiter();
}
