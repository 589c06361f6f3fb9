using Switchboard.Abstractions;
using Switchboard.Core.Describing;
using Switchboard.Core.Invoking;
using Switchboard.Core.Metadata;
using Switchboard.Host.Telemetry;

namespace Switchboard.Host.Connectors;

/// <summary>A connector of one plugin generation as the host serves it: the core's description of it (or, under process
/// isolation, the worker's metadata of it), and its concurrency limit.</summary>
internal sealed class LoadedConnector
{
    public LoadedConnector(ConnectorDefinition definition, ConcurrencyLimits limits)
        : this(definition.Metadata, limits) => Definition = definition;

    /// <summary>A connector that runs in a worker process: the host knows only its metadata.</summary>
    public LoadedConnector(ConnectorMetadata metadata, ConcurrencyLimits limits)
    {
        Metadata = metadata;
        Slots = new CallSlots(limits);
    }

    /// <summary>What the core described: metadata, instance, invokers; null when the plugin runs in a worker process.</summary>
    public ConnectorDefinition? Definition { get; }

    public ConnectorMetadata Metadata { get; }

    /// <summary>The plugin's object, disposed with its generation; null in a worker process's generation.</summary>
    public object? Instance => Definition?.Instance;

    /// <summary>Bounds the connector's concurrent calls, so one slow or blocking connector cannot take every thread: the
    /// catalog's limits with the plugin's own settings applied.</summary>
    public CallSlots Slots { get; }

    /// <summary>By protocol, the count of this connector type's calls in flight, kept here once found: every call
    /// counts itself, and finding the count by the type's name cost a lookup per call. Indexed by the protocol's value;
    /// one past the highest, so a protocol added later has its place.</summary>
    internal CallTelemetry.InFlightCount?[] InFlightCounts { get; } = new CallTelemetry.InFlightCount?[ProtocolCount];

    private static readonly int ProtocolCount = Enum.GetValues<Protocol>().Max(p => (int)p) + 1;

    /// <summary>The logger its plugin's connectors log to, kept here once found (see <see cref="InFlightCounts"/>).</summary>
    internal ILogger? PluginLogger { get; set; }
}
