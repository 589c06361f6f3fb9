using Switchboard.Core.Metadata;

namespace Switchboard.Host.Catalog;

/// <summary>What one catalog update did to the set of served connectors.</summary>
public sealed record CatalogChange(
    string PluginName,
    IReadOnlyList<ConnectorMetadata> Added,
    IReadOnlyList<ConnectorMetadata> Removed,
    IReadOnlyList<ConnectorMetadata> Replaced);
