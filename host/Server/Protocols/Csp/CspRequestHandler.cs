using Switchboard.Host.Callbacks;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Binding;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Answers <c>POST /csp/connector</c>: one JSON-RPC request or a batch, each call run through the pipeline.</summary>
internal sealed class CspRequestHandler(InvocationPipeline pipeline, CspCallbackSender callbacks, IOptions<CspOptions> options, ILogger<CspRequestHandler> logger)
{
    private readonly CspOptions _options = options.Value;
    private readonly JsonDocumentOptions _parsing = new() { MaxDepth = options.Value.MaxDepth, AllowDuplicateProperties = false };
    private readonly CallbackTargets _callbackTargets = new(options.Value.CallbackAllowedHosts, CspOptions.Section + ":CallbackAllowedHosts");

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            await HandleBodyAsync(http);
        }
        catch (Exception e) when (e is not BadHttpRequestException && !http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            // A bug of ours must still get the protocol's error form, and its details stay in the log; a broken HTTP request stays Kestrel's 400.
            logger.LogError(e, "{Protocol} request failed inside the adapter", Protocol.Csp);
            await WriteAsync(http, StatusCodes.Status200OK, JsonRpcResponses.Error(null, CspErrorCodes.InternalError, "the request could not be processed"));
        }
    }

    // Its state machine comes from a pool: every call waits here for the pipeline.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleBodyAsync(HttpContext http)
    {
        var read = await RequestBody.ReadAsync(http, _options.MaxBodyBytes, http.RequestAborted, jsonOnly: true);
        if (read.Body is not { } body)
        {
            // Too large, too slow, broken framing or cut off by a client that went away: the client's doing, as with the
            // refusals below, so information rather than a warning the operator would have to act on.
            logger.LogInformation("{Protocol} request refused: {Reason}", Protocol.Csp, read.Problem);
            await WriteAsync(http, read.Status, JsonRpcResponses.Error(null, CspErrorCodes.InvalidRequest, read.Problem!, read.ErrorCode));
            return;
        }

        var parsed = JsonBody.ParseElement(body, _parsing, out var problem);
        if (parsed is not { } root)
        {
            logger.LogInformation("{Protocol} request refused: the body is not valid JSON: {Reason}", Protocol.Csp, problem);
            await WriteAsync(http, StatusCodes.Status200OK, JsonRpcResponses.Error(null, CspErrorCodes.ParseError, "the body is not valid JSON: " + problem));
            return;
        }

        var checkText = JsonText.MayHoldSurrogateEscapes(body);
        if (root.ValueKind == JsonValueKind.Array)
        {
            await HandleBatchAsync(http, root, checkText);
            return;
        }
        // The answer awaits the call before its plugin code runs on this thread: a deadline passed while that code
        // blocks is then answered from the deadline's thread (see InlineStart).
        var inline = new InlineStart();
        var answering = AnswerAsync(http, DispatchAsync(root, checkText, http.RequestAborted, inline), inline);
        inline.Run();
        await answering;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AnswerAsync(HttpContext http, ValueTask<CspReply?> replying, InlineStart inline)
    {
        var reply = await replying;
        HeldRequest.CloseConnectionIfHeld(http, inline);
        if (reply is null)
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await ResponseJson.WriteAsync(http.Response, reply.Accepted ? StatusCodes.Status202Accepted : StatusCodes.Status200OK, "application/json", reply,
                static (json, r) => r.WriteTo(json), relaxed: true, http.RequestAborted);
    }

    private async Task HandleBatchAsync(HttpContext http, JsonElement batch, bool checkText)
    {
        var count = batch.GetArrayLength();
        var problem = count == 0 ? "a batch must hold at least one request"
            : count > _options.MaxBatchSize ? $"a batch may hold at most {_options.MaxBatchSize} requests, this one holds {count}"
            : null;
        if (problem is not null)
        {
            logger.LogInformation("{Protocol} batch refused: {Reason}", Protocol.Csp, problem);
            await WriteAsync(http, StatusCodes.Status200OK, JsonRpcResponses.Error(null, CspErrorCodes.InvalidRequest, problem));
            return;
        }
        // JSON-RPC lets a batch's calls run in any order: they run side by side, answered in request order.
        var replies = await Task.WhenAll(batch.EnumerateArray().Select(element => DispatchAsync(element, checkText, http.RequestAborted, inline: null).AsTask()));
        var answers = replies.OfType<CspReply>().ToArray();
        if (answers.Length == 0)
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        else
            await ResponseJson.WriteAsync(http.Response, StatusCodes.Status200OK, "application/json", answers, static (json, all) =>
            {
                json.WriteStartArray();
                foreach (var answer in all)
                    answer.WriteTo(json);
                json.WriteEndArray();
            }, relaxed: true, http.RequestAborted);
    }

    /// <summary>Runs one request element; null when it earns no answer (a notification).</summary>
    /// <remarks>Its state machine comes from a pool: every call waits here for the pipeline.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<CspReply?> DispatchAsync(JsonElement element, bool checkText, CancellationToken requestAborted, InlineStart? inline)
    {
        var request = CspRequestReader.Read(element, _callbackTargets, checkText, out var rejection);
        if (request is null)
        {
            logger.LogInformation("{Protocol} request refused: {ErrorCode} {Reason}", Protocol.Csp, rejection!.Code, rejection.Problem);
            return rejection.IsNotification ? null : new CspReply(rejection.ToResponse());
        }

        var invocation = new Invocation.Invocation(request.ConnectorType, request.Operation, null, Protocol.Csp) { InputElement = request.Input, RequestId = request.RequestId };
        if (request.IsNotification)
        {
            // A notification is promised to run even if its sender hangs up; it never has a response, so no callback either.
            await pipeline.InvokeAsync(invocation, CancellationToken.None, inline);
            return null;
        }
        if (request.CallbackUrl is null)
        {
            var outcome = await pipeline.InvokeAsync(invocation, requestAborted, inline);
            // The hot path: a success is written straight from the outcome, with no response tree.
            return outcome.Error is null
                ? new CspReply(null) { Id = request.Id, Output = outcome, StatusCode = outcome.Response?.StatusCode ?? 200 }
                : new CspReply(CspOutcomeMapper.ToResponse(request.Id, outcome));
        }

        // Bound and validated once, and held on the generation that validated it until it runs.
        var (prepared, invalid) = await pipeline.PrepareAsync(invocation, requestAborted);
        if (prepared is null)
            return new CspReply(CspOutcomeMapper.ToResponse(request.Id, invalid!));
        if (!callbacks.TryAccept(new CspAsyncCall(request, prepared, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element).Length), out var refusal))
        {
            prepared.Dispose();
            logger.LogWarning("{Protocol} asynchronous call of connector {Connector} refused: {Reason}", Protocol.Csp, request.ConnectorType, refusal);
            return new CspReply(JsonRpcResponses.Error(request.Id, CspErrorCodes.InternalError, refusal, "Busy"));
        }
        return new CspReply(JsonRpcResponses.Accepted(request.Id), Accepted: true);
    }

    private static Task WriteAsync(HttpContext http, int status, JsonNode body) =>
        ResponseJson.WriteAsync(http.Response, status, "application/json", body, static (json, node) => node.WriteTo(json), relaxed: true, http.RequestAborted);

    /// <summary>One answer: a built error or acceptance (<paramref name="Body"/>), or a success written from its parts.</summary>
    private sealed record CspReply(JsonObject? Body, bool Accepted = false)
    {
        public JsonNode? Id { get; init; }
        public Outcome? Output { get; init; }
        public int StatusCode { get; init; } = 200;

        public void WriteTo(Utf8JsonWriter json)
        {
            if (Body is not null)
                Body.WriteTo(json);
            else
                JsonRpcResponses.WriteSuccess(json, Id, Output, StatusCode);
        }
    }
}
