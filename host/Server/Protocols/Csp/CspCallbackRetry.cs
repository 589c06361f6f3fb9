using Switchboard.Host.Callbacks;
using Switchboard.Host.Logging;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>The callback client's resilience: a timeout per attempt inside a bounded exponential retry of transient failures.</summary>
internal static class CspCallbackRetry
{
    /// <summary>Marks a callback request with its call, so each retry is counted and logged against it.</summary>
    public static readonly HttpRequestOptionsKey<CspAsyncCall> CallKey = new("Switchboard.Csp.Call");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<CspOptions>>().Value.Callback;
        var metrics = context.ServiceProvider.GetRequiredService<CspCallbackMetrics>();
        var logger = context.ServiceProvider.GetRequiredService<ILogger<CspCallbackSender>>();
        // One line per event is ours to write (naming the connector and call); Polly's own lines would repeat each attempt twice.
        pipeline.ConfigureTelemetry(NullLoggerFactory.Instance);
        if (options.MaxAttempts > 1)
        {
            // The default predicate is the transient set: connection failures, attempt timeouts, 408, 429 and 5xx.
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstRetryDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter.Capped(args.Outcome.Result, options.MaxRetryDelay)),
                OnRetry = args =>
                {
                    metrics.Retried();
                    if (args.Context.GetRequestMessage()?.Options.TryGetValue(CallKey, out var call) == true)
                    {
                        var attempt = call.CountAttempt();
                        logger.LogInformation("CSP callback for connector {Connector} call {RequestId} to {CallbackTarget} failed ({Reason}); attempt {Attempt} of {MaxAttempts} in {DelayMs} ms",
                            call.Invocation.ConnectorType, call.Request.RequestId, LoggableUrl.Of(call.CallbackUrl),
                            Describe(args.Outcome), attempt, options.MaxAttempts, (int)args.RetryDelay.TotalMilliseconds);
                    }
                    return default;
                },
            });
        }
        pipeline.AddTimeout(options.AttemptTimeout);
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? CspCallbackSender.Describe(e) : $"HTTP {(int)outcome.Result!.StatusCode}";
}
