using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Catalog;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Isolation;

/// <summary>The worker's side of the connection: answers <c>describe</c> with the loaded connectors' metadata and runs
/// each <c>invoke</c> through the worker's own pipeline (binding, validation, masking, timeout, output), concurrently,
/// answering with the outcome.</summary>
internal sealed class WorkerServer(Stream connection, PluginCatalog catalog, InvocationPipeline pipeline, ILogger logger)
{
    private readonly SemaphoreSlim _writing = new(1, 1);

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
                    await AnswerAsync(id, new JsonObject { ["kind"] = "described", ["connectors"] = WorkerMetadata.Write(catalog.Connectors) }, cancellationToken);
                    break;
                case "invoke":
                    // Not awaited: the pipeline hands the connector to the thread pool at once, and this loop reads on.
                    _ = InvokeAsync(id, request, cancellationToken);
                    break;
                default:
                    logger.LogWarning("The worker ignores a message of kind {Kind}", (string?)request["kind"]);
                    break;
            }
        }
    }

    private async Task InvokeAsync(long id, JsonObject request, CancellationToken cancellationToken)
    {
        Outcome outcome;
        try
        {
            outcome = await RunAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A message the worker cannot read is still answered, so the call never waits for its timeout.
            logger.LogError(e, "The worker could not run call {CallId}", id);
            outcome = Outcome.Failure(new InvocationError(ErrorKind.Internal, "WorkerFailure", "the worker could not run the call: " + e.Message, Retryable: true));
        }
        await AnswerAsync(id, new JsonObject { ["kind"] = "outcome", ["outcome"] = OutcomeJson.Write(outcome) }, cancellationToken);
    }

    private Task<Outcome> RunAsync(JsonObject request, CancellationToken cancellationToken)
    {
        // The message is this call's alone: its input is taken out of it rather than copied.
        var input = request["input"] as JsonObject;
        request.Remove("input");
        var invocation = new Invocation.Invocation((string)request["type"]!, (string?)request["operation"], input,
            Enum.Parse<Protocol>((string)request["protocol"]!))
        {
            RequestId = (string?)request["requestId"],
            ProcessInstanceId = (string?)request["processInstanceId"],
            KnownSecrets = request["secrets"]?.AsArray().Select(s => (string)s!).ToList() ?? [],
            Timeout = (long?)request["timeoutMs"] is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            Features = WorkerFeatures.Read(request["features"] as JsonObject),
        };
        return pipeline.InvokeAsync(invocation, cancellationToken);
    }

    private async Task AnswerAsync(long id, JsonObject answer, CancellationToken cancellationToken)
    {
        answer["id"] = id;
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await WorkerFrames.WriteAsync(connection, answer, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }
}
