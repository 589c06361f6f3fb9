using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Documents;
using Switchboard.Core;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Isolation;

/// <summary>The worker's side of the connection: answers <c>describe</c> with the loaded connectors' metadata and runs
/// each <c>invoke</c> through the worker's own pipeline (binding, validation, masking, timeout, output), concurrently,
/// answering with the outcome. A call's documents go to the host to store (<c>createDocument</c>, answered
/// <c>documentCreated</c>).</summary>
internal sealed class WorkerServer(Stream connection, PluginCatalog catalog, InvocationPipeline pipeline, ILogger logger)
{
    private readonly FrameWriter _writer = new(connection);
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    // Documents sent to the host to store, by this side's own ids (the host's call ids are another series).
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _documents = new();
    private long _nextDocumentId;

    /// <summary>Serves until the host closes the connection.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Buffered: several requests that arrive together are read with one system call.
        var reading = new BufferedStream(connection, 64 * 1024);
        while (await WorkerFrames.ReadAsync(reading, cancellationToken) is { } request)
        {
            var id = (long)request["id"]!;
            switch ((string?)request["kind"])
            {
                case "describe":
                    await _writer.WriteAsync(new JsonObject
                    {
                        ["id"] = id,
                        ["kind"] = "described",
                        ["connectors"] = WorkerMetadata.Write(catalog.Connectors),
                        ["inbound"] = new JsonArray(catalog.InboundConnectors.Select(c => (JsonNode?)c.Type).ToArray()),
                    }, cancellationToken);
                    break;
                case "invoke":
                    // Not awaited: the pipeline hands the connector to the thread pool at once, and this loop reads on.
                    var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    _running[id] = call;
                    _ = InvokeAsync(id, request, call);
                    break;
                case "validate":
                    // Not awaited either: binding runs plugin code (setters, validators) that may block.
                    _ = ValidateAsync(id, request, cancellationToken);
                    break;
                case "cancel":
                    // The host stopped waiting for the call: its connector sees its token cancelled, as in-process.
                    // From the pool and not awaited: the cancel runs the plugin's callbacks on the token, and one that
                    // blocked held this loop, and every other call's answer, for as long as it blocked; one that threw
                    // ended the loop, and with it the worker.
                    if (_running.TryGetValue(id, out var cancelled))
                        ThreadPool.UnsafeQueueUserWorkItem(static call => CallCancellation.CancelSurviving(call), cancelled, preferLocal: false);
                    break;
                case "documentCreated":
                    if (_documents.TryRemove(id, out var waiting))
                        waiting.TrySetResult(request);
                    break;
                default:
                    logger.LogWarning("The worker ignores a message of kind {Kind}", (string?)request["kind"]);
                    break;
            }
        }
    }

    private async Task InvokeAsync(long id, JsonObject request, CancellationTokenSource call)
    {
        var cancellationToken = call.Token;
        Outcome outcome;
        try
        {
            outcome = await pipeline.InvokeAsync(Read(id, request), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A message the worker cannot read is still answered, so the call never waits for its timeout.
            logger.LogError(e, "The worker could not run call {CallId}", id);
            outcome = Outcome.Failure(new InvocationError(ErrorKind.Internal, "WorkerFailure", "the worker could not run the call: " + e.Message, Retryable: true));
        }
        finally
        {
            _running.TryRemove(id, out _);
            call.Dispose();
        }
        await AnswerAsync(id, "outcome", outcome);
    }

    private async Task ValidateAsync(long id, JsonObject request, CancellationToken cancellationToken)
    {
        InvocationError? invalid;
        try
        {
            var (prepared, error) = await pipeline.PrepareAsync(Read(id, request), cancellationToken);
            prepared?.Dispose();
            invalid = error;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The worker could not validate call {CallId}", id);
            invalid = new InvocationError(ErrorKind.Internal, "WorkerFailure", "the worker could not validate the call: " + e.Message, Retryable: true);
        }
        await AnswerAsync(id, "validated", invalid is null ? null : Outcome.Failure(invalid));
    }

    /// <summary>Stores a document of call <paramref name="callId"/> through the host, which holds the call's store.</summary>
    public async Task<DocumentReference> CreateDocumentAsync(long callId, DocumentCreation document, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextDocumentId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _documents[id] = answer;
        try
        {
            await _writer.WriteAsync((id, callId, document), static (json, request) =>
            {
                json.WriteStartObject();
                json.WriteNumber("id", request.id);
                json.WriteString("kind", "createDocument");
                json.WriteNumber("call", request.callId);
                json.WriteBase64String("content", request.document.Content.Span);
                json.WriteString("contentType", request.document.ContentType);
                json.WriteString("fileName", request.document.FileName);
                json.WriteEndObject();
            }, cancellationToken);
            var created = await answer.Task.WaitAsync(cancellationToken);
            if (created["reference"] is JsonObject reference
                && Protocols.Zeebe.CamundaDocumentStore.Reference(JsonSerializer.SerializeToElement(reference)) is { } stored)
                return stored;
            throw new DocumentStoreException((string?)created["error"] ?? "the host did not store the document") { StatusCode = (int?)created["status"] };
        }
        finally
        {
            _documents.TryRemove(id, out _);
        }
    }

    private Invocation.Invocation Read(long id, JsonObject request)
    {
        // The message is this call's alone: its input is taken out of it rather than copied.
        var input = request["input"] as JsonObject;
        var features = WorkerFeatures.Read(request["features"] as JsonObject);
        request.Remove("input");
        return new Invocation.Invocation((string)request["type"]!, (string?)request["operation"], input,
            Enum.Parse<Protocol>((string)request["protocol"]!))
        {
            RequestId = (string?)request["requestId"],
            ProcessInstanceId = (string?)request["processInstanceId"],
            KnownSecrets = request["secrets"]?.AsArray().Select(s => (string)s!).ToList() ?? [],
            Timeout = (long?)request["timeoutMs"] is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Features = request["features"]?["documents"]?.GetValue<bool>() == true ? [.. features, new WorkerDocumentStore(this, id)] : features,
        };
    }

    // Answered even when the host cancelled the call: the host stops watching for a hung worker only when the answer comes.
    // An answer too large to send is answered with why instead: unanswered, the call waited out its timeout and the
    // worker was then killed as hung, with every other call it was running.
    private async Task AnswerAsync(long id, string kind, Outcome? outcome)
    {
        try
        {
            await WriteAnswerAsync(id, kind, outcome);
        }
        catch (FrameTooLargeException e)
        {
            logger.LogWarning("The worker's answer to call {CallId} is {Bytes} bytes, over the {Limit} a worker message may carry; the call fails naming it",
                id, e.Bytes, FrameTooLargeException.Limit);
            await WriteAnswerAsync(id, kind, Outcome.Failure(new InvocationError(ErrorKind.ConnectorError, "ResultTooLarge",
                $"the connector's answer is {e.Bytes} bytes; a plugin in a worker process (Isolation=process) answers at most {FrameTooLargeException.Limit}", Retryable: false)));
        }
    }

    private Task WriteAnswerAsync(long id, string kind, Outcome? outcome) => _writer.WriteAsync((id, kind, outcome), static (json, answer) =>
    {
        json.WriteStartObject();
        json.WriteNumber("id", answer.id);
        json.WriteString("kind", answer.kind);
        json.WritePropertyName("outcome");
        if (answer.outcome is null)
            json.WriteNullValue();
        else
            OutcomeJson.Write(json, answer.outcome);
        json.WriteEndObject();
    }, CancellationToken.None);
}
