using Switchboard.Core.Metadata;
using Switchboard.Core.Describing;
using Switchboard.Host.Connectors;

namespace Switchboard.Host.Catalog;

/// <summary>The connectors served at one moment, by type: an immutable snapshot the catalog replaces whole on every
/// change, so a reader never sees half an update and adapters can compare two snapshots.</summary>
public sealed class ConnectorIndex
{
    private readonly IReadOnlyDictionary<string, IndexEntry> _entries;
    private readonly IReadOnlyDictionary<string, InboundEntry> _inbound;

    internal ConnectorIndex(IReadOnlyDictionary<string, IndexEntry> entries, IReadOnlyDictionary<string, InboundEntry> inbound, long version)
    {
        _entries = entries;
        _inbound = inbound;
        InboundConnectors = inbound.Values.Select(e => e.Metadata).OrderBy(m => m.Type, StringComparer.Ordinal).ToList();
        Version = version;
        Connectors = entries.Values.Select(e => e.Connector.Metadata).OrderBy(m => m.Type, StringComparer.Ordinal).ToList();
    }

    internal static ConnectorIndex Empty { get; } = new(new Dictionary<string, IndexEntry>(), new Dictionary<string, InboundEntry>(), 0);

    /// <summary>Counts the catalog's changes: a later snapshot has a higher version.</summary>
    public long Version { get; }

    /// <summary>The connectors served, ordered by type.</summary>
    public IReadOnlyList<ConnectorMetadata> Connectors { get; }

    /// <summary>How many connector types are served.</summary>
    public int Count => _entries.Count;

    /// <summary>A served connector's metadata by type.</summary>
    public ConnectorMetadata? Find(string type) => _entries.TryGetValue(type, out var entry) ? entry.Connector.Metadata : null;

    /// <summary>The inbound connectors served, ordered by type.</summary>
    public IReadOnlyList<InboundConnectorMetadata> InboundConnectors { get; }

    internal bool TryGet(string type, out IndexEntry entry) => _entries.TryGetValue(type, out entry!);

    internal bool TryGetInbound(string type, out InboundEntry entry) => _inbound.TryGetValue(type, out entry!);

    /// <summary>What changed from <paramref name="before"/> to this snapshot, or null when no connector (outbound or inbound) was added, removed or replaced.</summary>
    internal CatalogChange? ChangeFrom(ConnectorIndex before, string plugin)
    {
        var added = _entries.Where(a => !before._entries.ContainsKey(a.Key)).Select(a => a.Value.Connector.Metadata).ToList();
        var removed = before._entries.Where(b => !_entries.ContainsKey(b.Key)).Select(b => b.Value.Connector.Metadata).ToList();
        var replaced = _entries.Where(a => before._entries.TryGetValue(a.Key, out var b) && b.Generation != a.Value.Generation)
            .Select(a => a.Value.Connector.Metadata).ToList();
        // Inbound connectors are followed too (the pollers and subscriptions move to a new generation), though only
        // outbound ones are listed in the change.
        var inboundChanged = _inbound.Count != before._inbound.Count
            || _inbound.Any(a => !before._inbound.TryGetValue(a.Key, out var b) || b.Generation != a.Value.Generation);
        return added.Count + removed.Count + replaced.Count == 0 && !inboundChanged ? null : new CatalogChange(plugin, added, removed, replaced);
    }
}

/// <summary>One served connector and the generation it belongs to.</summary>
internal sealed record IndexEntry(PluginGeneration Generation, LoadedConnector Connector);

/// <summary>One served inbound connector and the generation it belongs to.</summary>
internal sealed record InboundEntry(PluginGeneration Generation, LoadedInbound Inbound)
{
    public Core.Metadata.InboundConnectorMetadata Metadata => Inbound.Metadata;
}
