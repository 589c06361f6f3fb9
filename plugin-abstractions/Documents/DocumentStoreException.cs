namespace Switchboard.Abstractions.Documents;

/// <summary>The document store refused a document or could not be reached; the message says which, without the
/// store's credentials.</summary>
public sealed class DocumentStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DocumentStoreException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    /// <summary>The store's HTTP status, when it answered.</summary>
    public int? StatusCode { get; init; }
}
