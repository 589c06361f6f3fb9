using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Documents;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Inbound;
using Switchboard.Host.Protocols;
using Switchboard.Host.Protocols.Inbound;
using Switchboard.Core;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Isolation;

/// <summary>The worker's side of the connection: answers <c>describe</c> with the loaded connectors' metadata and runs
/// each <c>invoke</c> through the worker's own pipeline (binding, validation, masking, timeout, output), concurrently,
/// answering with the outcome. A call's documents go to the host to store (<c>createDocument</c>, answered
/// <c>documentCreated</c>).</summary>
internal sealed class WorkerServer(Stream connection, PluginCatalog catalog, InvocationPipeline pipeline, ILoggerFactory loggers)
{
    private readonly FrameWriter _writer = new(connection);
    private readonly ILogger _logger = loggers.CreateLogger("Switchboard.Worker");
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    // What this side asked the host (a document to store, a subscription's event to correlate), by this side's own ids
    // (the host's call ids are another series), until answered.
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _answers = new();
    private long _nextRequestId;

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
                        ["inbound"] = WorkerMetadata.Write(catalog.InboundConnectors),
                    }, cancellationToken);
                    break;
                case "invoke":
                    // Not awaited: the pipeline hands the connector to the thread pool at once, and this loop reads on.
                    var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    _running[id] = call;
                    _ = InvokeAsync(id, request, call);
                    break;
                case "poll" or "webhook" or "subscribe":
                    // Not awaited: the connector's code runs off this loop, as a call's does; a cancel reaches it here.
                    var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    _running[id] = run;
                    _ = InboundAsync(id, (string)request["kind"]!, request, run);
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
                case "documentCreated" or "published":
                    if (_answers.TryRemove(id, out var waiting))
                        waiting.TrySetResult(request);
                    break;
                default:
                    _logger.LogWarning("The worker ignores a message of kind {Kind}", (string?)request["kind"]);
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
            _logger.LogError(e, "The worker could not run call {CallId}", id);
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
            _logger.LogError(e, "The worker could not validate call {CallId}", id);
            invalid = new InvocationError(ErrorKind.Internal, "WorkerFailure", "the worker could not validate the call: " + e.Message, Retryable: true);
        }
        await AnswerAsync(id, "validated", invalid is null ? null : Outcome.Failure(invalid));
    }

    /// <summary>Stores a document of call <paramref name="callId"/> through the host, which holds the call's store.</summary>
    public async Task<DocumentReference> CreateDocumentAsync(long callId, DocumentCreation document, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextRequestId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        try
        {
            await _writer.WriteAsync(id, "createDocument", (callId, document), static (json, request) =>
            {
                json.WriteNumber("call", request.callId);
                json.WriteBase64String("content", request.document.Content.Span);
                json.WriteString("contentType", request.document.ContentType);
                json.WriteString("fileName", request.document.FileName);
            }, cancellationToken);
            var created = await answer.Task.WaitAsync(cancellationToken);
            if (created["reference"] is JsonObject reference
                && Protocols.Zeebe.CamundaDocumentStore.Reference(JsonSerializer.SerializeToElement(reference)) is { } stored)
                return stored;
            throw new DocumentStoreException((string?)created["error"] ?? "the host did not store the document") { StatusCode = (int?)created["status"] };
        }
        finally
        {
            _answers.TryRemove(id, out _);
        }
    }

    // An inbound connector's poll, webhook check or subscription run, with the host's own code (PollCall, WebhookCall,
    // SubscriptionCall), answered once the connector's code has ended: until then the host holds the connector's slot
    // and its generation, and a poll that will not end is not followed by another.
    private async Task InboundAsync(long id, string kind, JsonObject request, CancellationTokenSource run)
    {
        var stop = run.Token;
        try
        {
            var activation = InboundMessages.ReadActivation(request);
            var logger = loggers.CreateLogger("Switchboard.Host.Protocols.Inbound." + activation.Id);
            using var lease = catalog.AcquireInbound(activation.ConnectorType);
            if (lease is null)
            {
                await AnswerInboundAsync(id, kind, $"no loaded plugin serves the inbound connector type '{activation.ConnectorType}'");
                return;
            }
            // The host's limit for a poll or a webhook check (a subscription has none).
            var limit = TimeSpan.FromMilliseconds((long?)request["timeoutMs"] ?? 0);
            switch (kind)
            {
                case "poll":
                    await AnswerWhenEndedAsync(id, "polled", PollCall.Start(lease.Generation, lease.Definition!, activation, (string?)request["cursor"], limit,
                        logger, loggers, stop), PollAnswer.Failed("the poll was cancelled"), InboundMessages.WritePolled, stop);
                    break;
                case "webhook":
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    using (CallCancellation.Deadline(timeout, limit))
                        await AnswerWhenEndedAsync(id, "handled", WebhookCall.Start(lease.Generation, lease.Definition!, activation,
                            InboundMessages.ReadRequest(request), limit, timeout.Token, stop, logger, loggers),
                            WebhookAnswer.Problem(503, "the request was cancelled"), InboundMessages.WriteHandled, stop);
                    break;
                default:
                    var generation = lease.Generation;
                    await AnswerWhenEndedAsync(id, "ended", SubscriptionCall.Start(generation, lease.Definition!, activation,
                        binding => new WorkerSubscriptionContext(this, id, activation.Id, generation, binding, loggers, stop), logger, stop),
                        new SubscriptionEnd(null), InboundMessages.WriteEnded, stop);
                    break;
            }
        }
        catch (Exception e) when (e is not IOException and not ObjectDisposedException)
        {
            // Answered all the same, so the host's run does not wait for its limit and a hang.
            _logger.LogError(e, "The worker could not run inbound {Kind} {CallId}", kind, id);
            await AnswerInboundAsync(id, kind, $"the worker could not run it: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _running.TryRemove(id, out _);
            run.Dispose();
        }
    }

    // Answers once the run's code has ended, with its result or, when the host cancelled it (its limit, a stop, its
    // caller gone), with the answer given for that: the host no longer waits for the result then, only for the end.
    private async Task AnswerWhenEndedAsync<T>(long id, string kind, InboundConnectorCall.Run<T> run, T cancelled, Action<Utf8JsonWriter, T> write,
        CancellationToken stop)
    {
        T answer;
        try
        {
            answer = await run.Result;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            answer = cancelled;
        }
        await run.Ended.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await WriteInboundAsync(id, kind, answer, write);
    }

    // A run that could not start, answered with why in the form its kind is answered in.
    private Task AnswerInboundAsync(long id, string kind, string problem) => kind switch
    {
        "poll" => WriteInboundAsync(id, "polled", PollAnswer.Failed("the poll failed: " + problem), InboundMessages.WritePolled),
        "webhook" => WriteInboundAsync(id, "handled", WebhookAnswer.Problem(500, problem), InboundMessages.WriteHandled),
        _ => WriteInboundAsync(id, "ended", new SubscriptionEnd("the subscription failed: " + problem), InboundMessages.WriteEnded),
    };

    private Task WriteInboundAsync<T>(long id, string kind, T answer, Action<Utf8JsonWriter, T> write) =>
        _writer.WriteAsync(id, kind, answer, write, CancellationToken.None);

    /// <summary>Sends an event a subscription published to the host, which correlates it, and hands back what became of it.</summary>
    public async Task<EventOutcome> PublishAsync(long subscription, JsonNode? @event)
    {
        var id = Interlocked.Increment(ref _nextRequestId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        try
        {
            await _writer.WriteAsync(id, "publish", (subscription, @event), static (json, request) =>
            {
                json.WriteNumber("subscription", request.subscription);
                json.WritePropertyName("event");
                json.WriteNodeOrNull(request.@event);
            }, CancellationToken.None);
            var published = await answer.Task;
            return new EventOutcome(Enum.TryParse<EventStatus>((string?)published["status"], out var status) ? status : EventStatus.Failed,
                (string?)published["message"] ?? "the host gave no outcome");
        }
        finally
        {
            _answers.TryRemove(id, out _);
        }
    }

    /// <summary>Tells the host a subscription reported itself up, or down for <paramref name="reason"/> (masked already).</summary>
    public void ReportHealth(long subscription, bool up, string? reason) =>
        _ = _writer.WriteAsync(0, "health", (subscription, up, reason), static (json, report) =>
        {
            json.WriteNumber("subscription", report.subscription);
            json.WriteBoolean("up", report.up);
            json.WriteString("reason", report.reason);
        }, CancellationToken.None).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

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
            _logger.LogWarning("The worker's answer to call {CallId} is {Bytes} bytes, over the {Limit} a worker message may carry; the call fails naming it",
                id, e.Bytes, FrameTooLargeException.Limit);
            await WriteAnswerAsync(id, kind, Outcome.Failure(new InvocationError(ErrorKind.ConnectorError, "ResultTooLarge",
                $"the connector's answer is {e.Bytes} bytes; a plugin in a worker process (Isolation=process) answers at most {FrameTooLargeException.Limit}", Retryable: false)));
        }
    }

    private Task WriteAnswerAsync(long id, string kind, Outcome? outcome) => _writer.WriteAsync(id, kind, outcome, static (json, answer) =>
    {
        json.WritePropertyName("outcome");
        if (answer is null)
            json.WriteNullValue();
        else
            OutcomeJson.Write(json, answer);
    }, CancellationToken.None);
}
