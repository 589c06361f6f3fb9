using System.Threading.RateLimiting;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Connectors;

/// <summary>A connector of one plugin generation as the host serves it: the core's description of it, and its concurrency limit.</summary>
internal sealed class LoadedConnector(ConnectorDefinition definition, ConcurrencyLimits limits)
{
    /// <summary>What the core described: metadata, instance, invokers.</summary>
    public ConnectorDefinition Definition { get; } = definition;

    public ConnectorMetadata Metadata => Definition.Metadata;

    /// <summary>The plugin's object; disposed with its generation.</summary>
    public object Instance => Definition.Instance;

    /// <summary>How many calls may run and wait at once: the catalog's limits with the plugin's own settings applied.</summary>
    public ConcurrencyLimits Limits { get; } = limits;

    /// <summary>Bounds the connector's concurrent calls, so one slow or blocking connector cannot take every thread.</summary>
    public ConcurrencyLimiter Limiter { get; } = limits.CreateLimiter();
}
