using Switchboard.Host.Callbacks;
using Switchboard.Host.Logging;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>CSP's callback client resilience: the shared callback retry (<see cref="CallbackRetry"/>) with CSP's settings, counting and logging each retry against its call.</summary>
internal static class CspCallbackRetry
{
    /// <summary>Marks a callback request with its call, so each retry is counted and logged against it.</summary>
    public static readonly HttpRequestOptionsKey<CspAsyncCall> CallKey = new("Switchboard.Csp.Call");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<CspOptions>>().Value.Callback;
        var metrics = context.ServiceProvider.GetRequiredService<CspCallbackMetrics>();
        var logger = context.ServiceProvider.GetRequiredService<ILogger<CspCallbackSender>>();
        CallbackRetry.Configure(pipeline, options.MaxAttempts - 1, options.FirstRetryDelay, options.MaxRetryDelay, options.AttemptTimeout, args =>
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
        });
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? CspCallbackSender.Describe(e) : $"HTTP {(int)outcome.Result!.StatusCode}";
}
