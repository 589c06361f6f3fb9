using Switchboard.Host.Callbacks;
using Switchboard.Host.Logging;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Runs accepted long-running commands in the background and PUTs each envelope to the backend's callback URL.</summary>
/// <remarks>
/// Retries with backoff come from the named client's resilience handler (5xx, 408, 429, timeouts, connection
/// failures). At shutdown it stops accepting and waits for running commands until the host's shutdown timeout.
/// </remarks>
internal sealed class SpiffCallbackSender(InvocationPipeline pipeline, IHttpClientFactory clients, SpiffOptions options, SpiffCallbackMetrics metrics, ILogger<SpiffCallbackSender> logger)
    : IHostedService
{
    /// <summary>Name of the HTTP client carrying the callback credentials and retry policy.</summary>
    public const string ClientName = "Switchboard.Spiff.Callback";

    private static readonly MediaTypeHeaderValue Json = new(SpiffEnvelope.ContentType);
    private static readonly HttpRequestOptionsKey<(string Connector, string Command)> CallOption = new("Switchboard.Spiff.Call");
    private readonly CancellationTokenSource _abandon = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private volatile bool _stopping;

    /// <summary>Runs <paramref name="prepared"/> in the background; false once the host is stopping.</summary>
    public bool TryStart(PreparedInvocation prepared, string command, Uri callback)
    {
        if (_stopping)
            return false;
        metrics.Accepted();
        var run = Task.Run(() => RunAsync(prepared, command, callback), CancellationToken.None);
        _running.TryAdd(run, true);
        run.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The callback URL comes from the request body: without an allow-list, anyone holding the proxy key could collect the backend's credentials.
        if ((!string.IsNullOrEmpty(options.CallbackBearerToken) || !string.IsNullOrEmpty(options.CallbackApiKey)) && options.CallbackOrigins.Length == 0)
            logger.LogWarning("Callback credentials via {Protocol} are sent to any callback URL a request names; set {Setting} to the backend's origin",
                Protocol.Spiff, SpiffOptions.Section + ":CallbackOrigins");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("{Count} long-running commands via {Protocol} were abandoned at shutdown; their callbacks are lost",
                _running.Count, Protocol.Spiff);
            await _abandon.CancelAsync();
        }
    }

    private async Task RunAsync(PreparedInvocation prepared, string command, Uri callback)
    {
        var invocation = prepared.Invocation;
        try
        {
            await RunAndDeliverAsync(prepared, command, callback);
        }
        catch (Exception e)
        {
            // Nothing may escape a background command; what did is a lost callback, said once.
            metrics.LostOne();
            logger.LogError(e, "Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} lost",
                command, invocation.ConnectorType, Protocol.Spiff, LoggableUrl.Of(callback));
        }
        finally
        {
            metrics.Finished();
        }
    }

    private async Task RunAndDeliverAsync(PreparedInvocation prepared, string command, Uri callback)
    {
        var invocation = prepared.Invocation;
        var outcome = await pipeline.InvokeAsync(prepared, _abandon.Token);
        var envelope = outcome.Error is { } error ? SpiffEnvelope.Failure(SpiffOutcomeMapper.ToFailure(error)) : SpiffEnvelope.Success(outcome);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, callback) { Content = new ByteArrayContent(envelope) };
            request.Content.Headers.ContentType = Json;
            request.Options.Set(CallOption, (invocation.ConnectorType, command));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, _abandon.Token);
            var answer = await response.Content.ReadAsStringAsync(_abandon.Token);
            Report(invocation.ConnectorType, command, callback, (int)response.StatusCode, answer);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException)
        {
            metrics.LostOne();
            logger.LogWarning("Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} failed after its retries: {Failure}",
                command, invocation.ConnectorType, Protocol.Spiff, LoggableUrl.Of(callback), e.Message);
        }
    }

    /// <summary>Logs one line per retried callback attempt (the retry strategy's hook).</summary>
    public ValueTask OnRetryAsync(OnRetryArguments<HttpResponseMessage> args)
    {
        var request = args.Context.GetRequestMessage();
        var (connector, command) = request is not null && request.Options.TryGetValue(CallOption, out var call) ? call : ("", "");
        metrics.Retried();
        var failure = args.Outcome.Exception is { } e ? e.Message : $"HTTP {(int)args.Outcome.Result!.StatusCode}";
        logger.LogWarning("Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} failed ({Failure}); retry {Attempt} in {DelayMs} ms",
            command, connector, Protocol.Spiff, request?.RequestUri is { } uri ? LoggableUrl.Of(uri) : null, failure, args.AttemptNumber + 1, (int)args.RetryDelay.TotalMilliseconds);
        return ValueTask.CompletedTask;
    }

    private void Report(string connector, string command, Uri callback, int status, string answer)
    {
        var target = LoggableUrl.Of(callback);
        if (status is >= 200 and < 300)
        {
            metrics.Delivered();
            logger.LogInformation("Callback of command {Command} (connector {Connector}) via {Protocol} delivered to {CallbackUrl}: {CallbackStatus}",
                command, connector, Protocol.Spiff, target, Field(answer, "status") ?? status.ToString());
            return;
        }
        if (status is >= 500 or 408 or 429)
        {
            metrics.LostOne();
            logger.LogWarning("Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} failed after its retries with {StatusCode}",
                command, connector, Protocol.Spiff, target, status);
            return;
        }
        // not_waiting_for_callback and callback_not_found: the backend is done with the task, so nothing is lost by stopping.
        var code = Field(answer, "error_code");
        var finished = code is "not_waiting_for_callback" or "callback_not_found";
        if (!finished)
            metrics.LostOne();
        var level = finished ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "Callback of command {Command} (connector {Connector}) via {Protocol} to {CallbackUrl} refused with {StatusCode} {ErrorCode}; not retried",
            command, connector, Protocol.Spiff, target, status, code ?? "");
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
