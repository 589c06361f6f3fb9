using Switchboard.Abstractions.Documents;

namespace Switchboard.Host.Isolation;

/// <summary>The document store of a call running in a worker process: each document crosses to the host, which stores
/// it with the call's own store (Camunda's, for a Zeebe job), so an isolated connector stores documents as an
/// in-process one does.</summary>
internal sealed class WorkerDocumentStore(WorkerServer server, long callId) : IDocumentStore
{
    public Task<DocumentReference> CreateAsync(DocumentCreation document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return server.CreateDocumentAsync(callId, document, cancellationToken);
    }
}
