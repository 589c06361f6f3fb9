using System.Runtime.CompilerServices;
using Switchboard.Abstractions.Spiff;
using Switchboard.Host.Callbacks;
using Switchboard.Host.Logging;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Core.Outcomes;
using Switchboard.Host.Invocation;
using Call = Switchboard.Host.Invocation.Invocation;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary><c>POST /v1/do/{plugin}/{Command}</c>: binds the body to an invocation and answers with the v2 envelope, or 202 and a callback later.</summary>
internal sealed class SpiffDoHandler(SpiffCommandIndex commands, InvocationPipeline pipeline, SpiffCallbackSender callbacks, SpiffOptions options,
    ILogger<SpiffDoHandler> logger)
{
    private const string CallbackKey = "spiff__callback_url";

    private readonly CallbackTargets _callbackTargets = new(options.CallbackOrigins, SpiffOptions.Section + ":CallbackOrigins");

    public Task HandleAsync(HttpContext http, string plugin, string command)
    {
        // The handling runs on a pooled state machine (every call waits in it for the pipeline); Kestrel wants a task,
        // which only an answer that is not ready at once needs.
        var handling = HandleCallAsync(http, plugin, command);
        if (!handling.IsCompleted)
            return handling.AsTask();
        handling.GetAwaiter().GetResult();
        return Task.CompletedTask;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleCallAsync(HttpContext http, string plugin, string command)
    {
        var found = commands.Find(plugin, command);
        if (found is null)
        {
            await RefuseAsync(http, plugin + "/" + command, StatusCodes.Status404NotFound, new SpiffFailure(404, SpiffOutcomeMapper.CommandNotFound,
                $"no loaded connector serves the command '{EscapedText.Quote(plugin + "/" + command)}'; GET /v1/commands lists them"));
            return;
        }

        var read = await RequestBody.ReadAsync(http, options.MaxBodyBytes, http.RequestAborted, jsonOnly: true);
        if (read.Body is not { } body)
        {
            var setting = read.Status == StatusCodes.Status413PayloadTooLarge ? $" ({SpiffOptions.Section}:MaxBodyBytes)" : "";
            await RefuseAsync(http, plugin + "/" + command, read.Status, new SpiffFailure(read.Status, read.ErrorCode!, read.Problem + setting));
            return;
        }
        var (request, problem, field) = SpiffRequestReader.Read(body);
        if (request is null)
        {
            var failure = field is null
                ? new SpiffFailure(400, "InvalidRequest", problem!)
                : new SpiffFailure(400, "InvalidParameters", problem!) { Fields = [field] };
            await RefuseAsync(http, plugin + "/" + command, StatusCodes.Status400BadRequest, failure);
            return;
        }

        var (element, nodes) = request.InputFor(found);
        var invocation = new Call(found.Connector.Type, found.Operation.Id, nodes, Protocol.Spiff)
        {
            InputElement = element,
            RequestId = request.TaskId,
            ProcessInstanceId = request.ProcessInstanceId,
            Features = [new SpiffTask { TaskId = request.TaskId, ProcessInstanceId = request.ProcessInstanceId, TaskData = request.TaskData }],
        };

        if (request.CallbackUrlProblem is { } notUrl && RunsInBackground(found))
        {
            await RefuseCallbackUrlAsync(http, found.Id, notUrl);
            return;
        }
        if (request.CallbackUrl is { } callbackUrl && RunsInBackground(found))
        {
            await AcceptAsync(http, invocation, found.Id, callbackUrl, body.Length);
            return;
        }

        // The answer awaits the call before its plugin code runs on this thread: a deadline passed while that code
        // blocks is then answered from the deadline's thread (see InlineStart).
        var inline = new InlineStart();
        var answering = AnswerAsync(http, pipeline.InvokeAsync(invocation, http.RequestAborted, inline), inline);
        inline.Run();
        await answering;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AnswerAsync(HttpContext http, ValueTask<Outcome> invoking, InlineStart inline)
    {
        var outcome = await invoking;
        HeldRequest.CloseConnectionIfHeld(http, inline);
        if (outcome.Error is { } error)
        {
            var failure = SpiffOutcomeMapper.ToFailure(error);
            await WriteAsync(http, SpiffOutcomeMapper.ResponseStatus(failure), SpiffEnvelope.Failure(failure));
            return;
        }
        await WriteAsync(http, StatusCodes.Status200OK, SpiffEnvelope.Success(outcome));
    }

    // Refused before any call, so the pipeline logs nothing about it: one line here, as CSP logs its refusals. The
    // client's doing, so information rather than a warning the operator would have to act on.
    private Task RefuseAsync(HttpContext http, string command, int status, SpiffFailure failure)
    {
        logger.LogInformation("{Protocol} request refused: {Command} answered {StatusCode} {ErrorCode}: {Reason}",
            Protocol.Spiff, command, status, failure.Code, failure.Message);
        return WriteAsync(http, status, SpiffEnvelope.Failure(failure));
    }

    // As the real proxy runs only execute_async commands in the background: SpiffArena sends a callback URL with every
    // call, and a command that is not long-running must answer at once, so the BPMN can read its command_response.
    private static bool RunsInBackground(SpiffCommand command) => command.Operation.LongRunning;

    // A callback URL that cannot be used is bad input the backend must see at once: HTTP 200 with the failure, as it reads it.
    private Task RefuseCallbackUrlAsync(HttpContext http, string command, string problem) =>
        RefuseAsync(http, command, StatusCodes.Status200OK, new SpiffFailure(400, "InvalidParameters",
            $"invalid parameters: {CallbackKey} {problem}") { Fields = [new FieldError(CallbackKey, problem)] });

    private async Task AcceptAsync(HttpContext http, Call invocation, string command, string callbackUrl, long requestBytes)
    {
        if (_callbackTargets.Check(callbackUrl, out var callback) is { } problem)
        {
            await RefuseCallbackUrlAsync(http, command, problem);
            return;
        }
        // The backend fails the task at once on an error in a 202, so bad input must be answered now, not through the callback.
        // Bound and validated once, and held on the generation that validated it until it runs.
        var (prepared, invalid) = await pipeline.PrepareAsync(invocation, http.RequestAborted);
        if (prepared is null)
        {
            var failure = SpiffOutcomeMapper.ToFailure(invalid!);
            await WriteAsync(http, SpiffOutcomeMapper.ResponseStatus(failure), SpiffEnvelope.Failure(failure));
            return;
        }
        if (!callbacks.TryAccept(new SpiffAsyncCall(prepared, command, callback!, requestBytes), out var refusal))
        {
            prepared.Dispose();
            // The host's own limit, not the client's doing: a warning, as CSP logs the same refusal.
            logger.LogWarning("{Protocol} asynchronous call of {Command} refused: {Reason}", Protocol.Spiff, command, refusal);
            await WriteAsync(http, StatusCodes.Status200OK, SpiffEnvelope.Failure(new SpiffFailure(503, "Busy", refusal)));
            return;
        }
        await WriteAsync(http, StatusCodes.Status202Accepted, SpiffEnvelope.Success(new JsonObject { ["status"] = "accepted", ["command"] = command }, StatusCodes.Status202Accepted));
    }

    private static Task WriteAsync(HttpContext http, int status, SpiffEnvelope.Envelope envelope) =>
        ResponseJson.WriteAsync(http.Response, status, SpiffEnvelope.ContentType, envelope, static (json, e) => e.WriteTo(json), relaxed: false, http.RequestAborted);
}
