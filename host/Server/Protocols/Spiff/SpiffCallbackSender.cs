using Switchboard.Host.Callbacks;
using Switchboard.Host.Logging;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>A long-running command accepted with a callback URL.</summary>
internal sealed record SpiffAsyncCall(PreparedInvocation Prepared, string Command, Uri Callback, long RequestBytes) : IAsyncCall;

/// <summary>Spiff's side of the callback dispatcher: PUTs each long-running command's envelope to the backend's callback URL.</summary>
/// <remarks>Queueing, limits, drain at shutdown and accounting are the shared <see cref="CallbackDispatcher{TCall}"/>'s;
/// retries with backoff come from the named client's resilience handler (5xx, 408, 429, timeouts, connection failures).</remarks>
internal sealed class SpiffCallbackSender(InvocationPipeline pipeline, IHttpClientFactory clients, SpiffOptions options, SpiffCallbackMetrics metrics, ILogger<SpiffCallbackSender> logger)
    : CallbackDispatcher<SpiffAsyncCall>(pipeline, metrics,
        new CallbackLimits(options.CallbackMaxConcurrentCalls, options.CallbackMaxPendingCalls, options.CallbackMaxPendingBytes, options.CallbackDrainTimeout, options.CallbackFinalDeliveryTimeout),
        Protocol.Spiff, logger)
{
    /// <summary>Name of the HTTP client carrying the callback credentials and retry policy.</summary>
    public const string ClientName = "Switchboard.Spiff.Callback";

    private static readonly MediaTypeHeaderValue Json = new(SpiffEnvelope.ContentType);
    private static readonly HttpRequestOptionsKey<(string Connector, string Command)> CallOption = new("Switchboard.Spiff.Call");

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The callback URL comes from the request body: without an allow-list, anyone holding the proxy key could collect the backend's credentials.
        if ((!string.IsNullOrEmpty(options.CallbackBearerToken) || !string.IsNullOrEmpty(options.CallbackApiKey)) && options.CallbackOrigins.Length == 0)
            Logger.LogWarning("Callback credentials via {Protocol} are sent to any callback URL a request names; set {Setting} to the backend's origin",
                Protocol.Spiff, SpiffOptions.Section + ":CallbackOrigins");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task<Delivery> DeliverAsync(SpiffAsyncCall call, Core.Outcome outcome, CancellationToken cancellationToken)
    {
        var envelope = outcome.Error is { } error ? SpiffEnvelope.Failure(SpiffOutcomeMapper.ToFailure(error)).ToArray() : SpiffEnvelope.Success(outcome).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Put, call.Callback) { Content = new ByteArrayContent(envelope) };
        request.Content.Headers.ContentType = Json;
        request.Options.Set(CallOption, (call.Prepared.Invocation.ConnectorType, call.Command));
        // Headers only: the client's innermost handler has read, within the attempt, the few KiB of the body it keeps
        // (CallbackAnswer.MaxBytes), enough for the backend's short JSON answer; reading them here waits for nothing.
        using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        return Report(call, (int)response.StatusCode, answer);
    }

    // An error, as CSP logs its lost callbacks: the backend never gets the result and its task waits until someone acts.
    protected override void LogLost(SpiffAsyncCall call, string reason, Exception? exception) =>
        Logger.LogError(exception, "Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} lost: {Reason}",
            call.Command, call.Prepared.Invocation.ConnectorType, Protocol.Spiff, LoggableUrl.Of(call.Callback), reason);

    /// <summary>Logs one line per retried callback attempt (the retry strategy's hook).</summary>
    public ValueTask OnRetryAsync(OnRetryArguments<HttpResponseMessage> args)
    {
        var request = args.Context.GetRequestMessage();
        var (connector, command) = request is not null && request.Options.TryGetValue(CallOption, out var call) ? call : ("", "");
        metrics.Retried();
        var failure = args.Outcome.Exception is { } e ? e.Message : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
        // Information, as CSP logs its retries: a retry may still succeed; a callback finally lost is the error (LogLost).
        logger.LogInformation("Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} failed ({Failure}); retry {Attempt} in {DelayMs} ms",
            command, connector, Protocol.Spiff, request?.RequestUri is { } uri ? LoggableUrl.Of(uri) : null, failure, args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds);
        return ValueTask.CompletedTask;
    }

    private Delivery Report(SpiffAsyncCall call, int status, string answer)
    {
        if (status is >= 200 and < 300)
        {
            // Debug, as CSP logs its delivered callbacks and every protocol its successful calls.
            Logger.LogDebug("Callback of command {Command} (connector {Connector}) via {Protocol} delivered to {CallbackUrl}: {CallbackStatus}",
                call.Command, call.Prepared.Invocation.ConnectorType, Protocol.Spiff, LoggableUrl.Of(call.Callback), Field(answer, "status") ?? status.ToString());
            return Delivery.Done;
        }
        if (status is >= 500 or 408 or 429)
            return Delivery.Lost($"the callback URL still answered HTTP {status} after the retries");
        // not_waiting_for_callback and callback_not_found: the backend is done with the task, so nothing is lost by stopping.
        var code = Field(answer, "error_code");
        if (code is "not_waiting_for_callback" or "callback_not_found")
        {
            Logger.LogInformation("Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} refused with {StatusCode} {ErrorCode}; not retried",
                call.Command, call.Prepared.Invocation.ConnectorType, Protocol.Spiff, LoggableUrl.Of(call.Callback), status, code);
            return Delivery.NotWanted;
        }
        return Delivery.Lost($"the callback URL refused it with HTTP {status} {code}; not retried");
    }

    private static string? Field(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
