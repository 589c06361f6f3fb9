using System.Text.Json;

namespace Switchboard.Abstractions.Documents;

/// <summary>A stored document, as the store refers to it.</summary>
public sealed class DocumentReference
{
    /// <summary>The document's id in its store.</summary>
    public string DocumentId { get; init; } = "";

    /// <summary>The store that holds it.</summary>
    public string? StoreId { get; init; }

    /// <summary>The hash the store computed over the content.</summary>
    public string? ContentHash { get; init; }

    /// <summary>The reference exactly as the store gave it (<c>camunda.document.type</c>, ids, hash, metadata): what
    /// a connector returns for the process to keep, so Camunda's tools recognise it as a document.</summary>
    public JsonElement Json { get; init; }
}
