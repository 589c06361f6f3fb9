using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Switchboard.Host.Callbacks;

/// <summary>The one resilience policy of both protocols' callback clients: a timeout per attempt (connecting, sending,
/// and reading the answer's headers and the little of its body that <see cref="CallbackAnswer"/> reads) inside a bounded,
/// jittered exponential retry of what is transient (connection failures, attempt timeouts, 408, 429 and 5xx; any other
/// answer is final), waiting what a receiver's <c>Retry-After</c> asks, at most the longest wait.</summary>
internal static class CallbackRetry
{
    /// <param name="pipeline">The callback client's resilience pipeline.</param>
    /// <param name="retries">Attempts after the first; none adds no retry.</param>
    /// <param name="firstDelay">The wait before the first retry, growing exponentially with jitter.</param>
    /// <param name="maxDelay">The longest wait between attempts, a <c>Retry-After</c> included.</param>
    /// <param name="attemptTimeout">How long one attempt may take, the receiver's answer included.</param>
    /// <param name="onRetry">The protocol's count and log line for a retry: one line per event is the sender's to write,
    /// naming its call, so Polly's own lines (which would repeat each attempt twice) are off.</param>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, int retries, TimeSpan firstDelay, TimeSpan maxDelay,
        TimeSpan attemptTimeout, Func<OnRetryArguments<HttpResponseMessage>, ValueTask> onRetry)
    {
        pipeline.ConfigureTelemetry(NullLoggerFactory.Instance);
        if (retries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay,
                MaxDelay = maxDelay,
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter.Capped(args.Outcome.Result, maxDelay)),
                OnRetry = onRetry,
            });
        }
        pipeline.AddTimeout(attemptTimeout);
    }
}
