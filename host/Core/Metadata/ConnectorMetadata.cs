namespace Switchboard.Core.Metadata;

/// <summary>A connector as declared once in its plugin, driving every protocol's listing; holds no plugin type.</summary>
public sealed record ConnectorMetadata(
    string Type,
    string Name,
    string? Description,
    int Version,
    string? DocumentationUrl,
    string PluginName,
    IReadOnlyList<OperationMetadata> Operations)
{
    /// <summary>The icon as a <c>data:</c> URI, for element templates; null when the connector declares none.</summary>
    public string? Icon { get; init; }

    /// <summary>Words the Modeler's search finds the connector by.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>Whether callers must choose an operation.</summary>
    public bool HasOperations => Operations.Count > 1 || Operations[0].Id.Length > 0;

    /// <summary>Finds the operation a caller asked for; null or empty picks the only one.</summary>
    public OperationMetadata? FindOperation(string? id)
    {
        if (string.IsNullOrEmpty(id))
            return Operations.Count == 1 ? Operations[0] : null;
        // Indexed: every call looks its operation up (twice), and a foreach over the read-only list boxes its enumerator.
        for (var i = 0; i < Operations.Count; i++)
            if (string.Equals(Operations[i].Id, id, StringComparison.OrdinalIgnoreCase))
                return Operations[i];
        return null;
    }
}
