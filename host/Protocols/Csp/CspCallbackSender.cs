using Switchboard.Host.Callbacks;
using System.Collections.Concurrent;
using Switchboard.Host.Logging;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Runs accepted asynchronous calls and POSTs each JSON-RPC response to its callback URL; drains at shutdown.</summary>
/// <remarks>
/// At shutdown no new call is accepted; pending ones get <see cref="CspCallbackOptions.DrainTimeout"/> to finish and
/// deliver. Then they are cancelled and their callbacks get a -32603 error instead, within
/// <see cref="CspCallbackOptions.FinalDeliveryTimeout"/>. Every callback that cannot be delivered is logged and counted.
/// </remarks>
internal sealed class CspCallbackSender : BackgroundService
{
    public const string HttpClientName = "Switchboard.Csp.Callback";

    private readonly InvocationPipeline _pipeline;
    private readonly IHttpClientFactory _clients;
    private readonly CspCallbackMetrics _metrics;
    private readonly CspCallbackOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<CspAsyncCall> _queue;
    private readonly CancellationTokenSource _cancelCalls = new();
    private readonly CancellationTokenSource _cancelDeliveries = new();
    private readonly ConcurrentDictionary<Task, bool> _deliveries = new();
    private volatile bool _stopping;

    public CspCallbackSender(InvocationPipeline pipeline, IHttpClientFactory clients, CspCallbackMetrics metrics, IOptions<CspOptions> options, ILogger<CspCallbackSender> logger)
    {
        _pipeline = pipeline;
        _clients = clients;
        _metrics = metrics;
        _options = options.Value.Callback;
        _logger = logger;
        _queue = Channel.CreateBounded<CspAsyncCall>(new BoundedChannelOptions(_options.MaxPendingCalls) { FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Queues <paramref name="call"/>; false with the reason when the host is stopping or too many calls are pending.</summary>
    public bool TryAccept(CspAsyncCall call, out string refusal)
    {
        _metrics.Accepted();
        if (_queue.Writer.TryWrite(call))
        {
            refusal = "";
            return true;
        }
        _metrics.Refused();
        refusal = _stopping
            ? "the host is shutting down and accepts no asynchronous calls; retry on another instance"
            : $"too many asynchronous calls are pending ({_options.MaxPendingCalls}); retry later";
        return false;
    }

    // Deliberately not stoppingToken: at shutdown the queue is drained (see StopAsync), not abandoned.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(_queue.Reader.ReadAllAsync(CancellationToken.None),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentCalls },
            async (call, _) => await RunAsync(call));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        var drained = DrainedAsync();
        if (_metrics.Pending > 0)
            _logger.LogInformation("Finishing {Pending} asynchronous {Protocol} calls before shutdown", _metrics.Pending, Protocol.Csp);
        if (!await FinishesWithin(drained, _options.DrainTimeout, cancellationToken))
        {
            _logger.LogWarning("{Pending} asynchronous {Protocol} calls did not finish within {DrainSeconds} s of shutdown; cancelling them and calling back with an error",
                _metrics.Pending, Protocol.Csp, _options.DrainTimeout.TotalSeconds);
            await _cancelCalls.CancelAsync();
            _cancelDeliveries.CancelAfter(_options.FinalDeliveryTimeout);
            if (!await FinishesWithin(drained, _options.FinalDeliveryTimeout + TimeSpan.FromSeconds(1), CancellationToken.None))
                _logger.LogError("{Pending} asynchronous {Protocol} calls were still pending when the host stopped; their callbacks are lost",
                    _metrics.Pending, Protocol.Csp);
        }
        await base.StopAsync(cancellationToken);
    }

    // Runs end first (no delivery starts after the last run), then their deliveries.
    private async Task DrainedAsync()
    {
        await (ExecuteTask ?? Task.CompletedTask);
        await Task.WhenAll(_deliveries.Keys);
    }

    public override void Dispose()
    {
        base.Dispose();
        _cancelCalls.Dispose();
        _cancelDeliveries.Dispose();
    }

    internal static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException => "the attempt timed out",
        OperationCanceledException => "the host stopped before delivery",
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } h => $"{h.HttpRequestError}: {h.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private async Task RunAsync(CspAsyncCall call)
    {
        JsonObject response;
        try
        {
            Outcome outcome;
            if (_cancelCalls.IsCancellationRequested)
            {
                call.Prepared.Dispose();
                outcome = ShutDown("the host shut down before the call ran");
            }
            else
                outcome = await _pipeline.InvokeAsync(call.Prepared, _cancelCalls.Token);
            if (outcome.Error is { Kind: ErrorKind.Cancelled } && _cancelCalls.IsCancellationRequested)
                outcome = ShutDown("the host shut down while the call ran");
            response = CspOutcomeMapper.ToResponse(call.Request.Id, outcome);
        }
        catch (Exception e)
        {
            // Nothing may escape: one failure must not stop the loop that serves every other call.
            Lose(call, Describe(e));
            _metrics.Finished();
            return;
        }
        // Delivery leaves the run slot at once: a receiver that is slow or never answers delays only its own callback,
        // never the next call's run or another receiver's delivery.
        var delivery = DeliverInBackgroundAsync(call, response);
        _deliveries.TryAdd(delivery, true);
        _ = delivery.ContinueWith(t => _deliveries.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task DeliverInBackgroundAsync(CspAsyncCall call, JsonObject response)
    {
        await Task.Yield(); // never completes before it is tracked
        try
        {
            await DeliverAsync(call, response);
        }
        catch (Exception e)
        {
            Lose(call, Describe(e));
        }
        finally
        {
            _metrics.Finished();
        }
    }

    private async Task DeliverAsync(CspAsyncCall call, JsonObject response)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, call.CallbackUrl)
        {
            Content = new StringContent(response.ToJsonString(JsonRpcResponses.SerializerOptions), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Options.Set(CspCallbackRetry.CallKey, call);
        call.CountAttempt();
        try
        {
            using var answer = await _clients.CreateClient(HttpClientName).SendAsync(request, _cancelDeliveries.Token);
            if (!answer.IsSuccessStatusCode)
            {
                Lose(call, $"the callback URL answered HTTP {(int)answer.StatusCode}");
                return;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            Lose(call, Describe(e));
            return;
        }
        _metrics.Delivered();
        _logger.LogDebug("CSP callback for connector {Connector} call {RequestId} delivered to {CallbackTarget} after {Attempts} attempts via {Protocol}",
            call.Invocation.ConnectorType, call.Request.RequestId, LoggableUrl.Of(call.CallbackUrl), call.Attempts, Protocol.Csp);
    }

    private void Lose(CspAsyncCall call, string reason)
    {
        _metrics.LostOne();
        _logger.LogError("CSP callback for connector {Connector} call {RequestId} to {CallbackTarget} lost after {Attempts} attempts via {Protocol}: {Reason}",
            call.Invocation.ConnectorType, call.Request.RequestId, LoggableUrl.Of(call.CallbackUrl), call.Attempts, Protocol.Csp, reason);
    }

    private static Outcome ShutDown(string message) =>
        Outcome.Failure(new InvocationError(ErrorKind.Cancelled, "Cancelled", message, Retryable: true));

    private static async Task<bool> FinishesWithin(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
