namespace Switchboard.Abstractions.Documents;

/// <summary>A document to store: its bytes and what the store keeps about them.</summary>
public sealed class DocumentCreation
{
    /// <summary>The document's bytes.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>Its media type (<c>application/pdf</c>), when known.</summary>
    public string? ContentType { get; init; }

    /// <summary>A file name to offer when it is downloaded, when there is one.</summary>
    public string? FileName { get; init; }
}
