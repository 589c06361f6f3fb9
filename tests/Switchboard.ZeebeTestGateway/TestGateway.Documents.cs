using System.Text.Json.Nodes;

namespace Switchboard.ZeebeTestGateway;

/// <summary>A document the gateway's document store keeps: its bytes, the file part's content type and the metadata part as sent.</summary>
public sealed record StoredDocument(string DocumentId, byte[] Content, string? ContentType, string? FileName, JsonObject Metadata);

/// <summary>Camunda's document store as the orchestration cluster REST API offers it (<c>POST /v2/documents</c>,
/// multipart <c>file</c> and <c>metadata</c> parts, answered 201 with the document's reference).</summary>
public sealed partial class TestGateway
{
    private readonly List<StoredDocument> _documents = [];

    /// <summary>Every document stored so far.</summary>
    public IReadOnlyList<StoredDocument> Documents
    {
        get { lock (_lock) return [.. _documents]; }
    }

    /// <summary>How many coming document uploads to refuse with 503, as a store that is down answers.</summary>
    public int RefusedDocuments { get; set; }

    /// <summary>The body a refused upload is answered with instead of the usual problem detail, as sent (any text).</summary>
    public string? RefusalBody { get; set; }

    /// <summary>Hostile: how many coming document uploads to answer 201 with a reference padded to 8 MB.</summary>
    public int HugeDocumentAnswers { get; set; }

    internal bool AnswerHuge()
    {
        lock (_lock)
        {
            if (HugeDocumentAnswers <= 0)
                return false;
            HugeDocumentAnswers--;
            return true;
        }
    }

    internal bool RefuseDocument()
    {
        lock (_lock)
        {
            if (RefusedDocuments <= 0)
                return false;
            RefusedDocuments--;
            return true;
        }
    }

    internal StoredDocument StoreDocument(byte[] content, string? contentType, string? fileName, JsonObject metadata)
    {
        var document = new StoredDocument(Guid.NewGuid().ToString(), content, contentType, fileName, metadata);
        lock (_lock)
            _documents.Add(document);
        return document;
    }
}
