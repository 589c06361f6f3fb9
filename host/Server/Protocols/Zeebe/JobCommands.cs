using Grpc.Core;
using Polly;
using Polly.Retry;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Job commands (complete, fail, throw error, update timeout) retried on the transient gRPC codes, so a finished result is not dropped by a hiccup.</summary>
internal static class JobCommands
{
    // UNAVAILABLE, RESOURCE_EXHAUSTED (backpressure) and DEADLINE_EXCEEDED: four retries, 50 ms doubling up to 5 s, jittered.
    private static readonly ResiliencePipeline Transient = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        MaxRetryAttempts = 4,
        Delay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromSeconds(5),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        ShouldHandle = new PredicateBuilder().Handle<RpcException>(e =>
            e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded),
    }).Build();

    public static async Task RetryAsync(Func<Task> command, CancellationToken stopping, Action? tokenRefused = null)
    {
        try
        {
            await Transient.ExecuteAsync(async _ => await command(), stopping);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && tokenRefused is not null)
        {
            // One fresh token and one more round, as Camunda's clients do; a second refusal is a real one.
            tokenRefused();
            await Transient.ExecuteAsync(async _ => await command(), stopping);
        }
    }
}
