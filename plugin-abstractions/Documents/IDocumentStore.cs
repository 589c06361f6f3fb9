namespace Switchboard.Abstractions.Documents;

/// <summary>Camunda's document store, for a connector that hands a file to the process instead of putting its bytes
/// into a variable (as Camunda's REST connector does with <c>storeResponse</c>): <c>context.Get&lt;IDocumentStore&gt;()</c>
/// is set for Zeebe jobs when the host knows the cluster's REST API, null otherwise, so a connector that needs it says
/// so in its own error.</summary>
public interface IDocumentStore
{
    /// <summary>Stores <paramref name="document"/> and returns its reference, which the process keeps in a variable
    /// and other connectors and Camunda's tools read the document by.</summary>
    /// <exception cref="DocumentStoreException">The store refused the document or could not be reached.</exception>
    Task<DocumentReference> CreateAsync(DocumentCreation document, CancellationToken cancellationToken = default);
}
