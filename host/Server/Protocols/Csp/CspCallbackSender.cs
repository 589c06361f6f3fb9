using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Callbacks;
using Switchboard.Host.Invocation;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>CSP's side of the callback dispatcher: POSTs each asynchronous call's JSON-RPC response to its callback URL.</summary>
/// <remarks>Queueing, limits, drain at shutdown and accounting are the shared <see cref="CallbackDispatcher{TCall}"/>'s;
/// retries with backoff are the named client's resilience handler (<see cref="CspCallbackRetry"/>).</remarks>
internal sealed class CspCallbackSender(InvocationPipeline pipeline, IHttpClientFactory clients, CspCallbackMetrics metrics, IOptions<CspOptions> options, ILogger<CspCallbackSender> logger)
    : CallbackDispatcher<CspAsyncCall>(pipeline, metrics, Limits(options.Value.Callback), Protocol.Csp, logger)
{
    public const string HttpClientName = "Switchboard.Csp.Callback";

    private static CallbackLimits Limits(CspCallbackOptions callback) =>
        new(callback.MaxConcurrentCalls, callback.MaxPendingCalls, callback.MaxPendingBytes, callback.DrainTimeout, callback.FinalDeliveryTimeout);

    protected override async Task<Delivery> DeliverAsync(CspAsyncCall call, Outcome outcome, CancellationToken cancellationToken)
    {
        var response = CspOutcomeMapper.ToResponse(call.Request.Id, outcome);
        using var request = new HttpRequestMessage(HttpMethod.Post, call.CallbackUrl)
        {
            Content = new StringContent(response.ToJsonString(ResponseJson.RelaxedText), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Options.Set(CspCallbackRetry.CallKey, call);
        call.CountAttempt();
        try
        {
            // Headers only: the client's innermost handler has read what little of the body it keeps, within the attempt.
            using var answer = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!answer.IsSuccessStatusCode)
                return Delivery.Lost($"the callback URL answered HTTP {(int)answer.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            return Delivery.Lost(Describe(e));
        }
        Logger.LogDebug("CSP callback for connector {Connector} call {RequestId} delivered to {CallbackTarget} after {Attempts} attempts via {Protocol}",
            call.Invocation.ConnectorType, call.Request.RequestId, LoggableUrl.Of(call.CallbackUrl), call.Attempts, Protocol.Csp);
        return Delivery.Done;
    }

    protected override void LogLost(CspAsyncCall call, string reason, Exception? exception) =>
        Logger.LogError(exception, "CSP callback for connector {Connector} call {RequestId} to {CallbackTarget} lost after {Attempts} attempts via {Protocol}: {Reason}",
            call.Invocation.ConnectorType, call.Request.RequestId, LoggableUrl.Of(call.CallbackUrl), call.Attempts, Protocol.Csp, reason);
}
