using Grpc.Core;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Sends the job commands (complete, fail, throw error, update timeout): each attempt with a deadline, transient
/// failures retried with backoff for as long as the job is still ours, and one fresh token after UNAUTHENTICATED.</summary>
/// <param name="attemptTimeout">How long one attempt may wait for the gateway's answer (<see cref="ZeebeOptions.CommandTimeout"/>,
/// as Camunda's clients give every command their request timeout).</param>
/// <param name="tokenRefused">Forgets the OAuth token after UNAUTHENTICATED; null without OAuth.</param>
internal sealed class JobCommands(TimeSpan attemptTimeout, TimeProvider time, ILogger logger, Action? tokenRefused)
{
    /// <summary>Sends a command until the gateway takes it. Answers false, having logged a warning naming the job, when
    /// transient failures lasted past <paramref name="giveUpAt"/> (the job's deadline) and <see cref="MinAttempts"/>
    /// attempts: by then Zeebe hands the job out again, so the result could no longer count and holding the job's slot
    /// would only starve the worker.</summary>
    /// <param name="send">Sends one attempt with the gRPC deadline it is given.</param>
    /// <exception cref="RpcException">The gateway refused the command for good (NOT_FOUND, INVALID_ARGUMENT, ...).</exception>
    public async Task<bool> SendAsync(ActivatedJob job, string command, DateTimeOffset giveUpAt, Func<DateTime, Task> send, CancellationToken stopping)
    {
        var backoff = new ErrorBackoff();
        var refreshed = tokenRefused is null;
        var attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                // Without a deadline a gateway that never answers would hold the job's slot for good.
                await send(DateTime.UtcNow + attemptTimeout);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && !refreshed)
            {
                // One fresh token and another round, as Camunda's clients do; a second refusal is a real one.
                refreshed = true;
                tokenRefused!();
            }
            catch (RpcException e) when (IsTransient(e) && !stopping.IsCancellationRequested)
            {
                var wait = backoff.Next();
                // The deadline is the broker's clock (0 from a gateway that leaves it out): read on the host's, it may
                // seem past from the start, and the first refusal dropped a finished job's result without one retry. A
                // few attempts are always made; a job that did time out is answered NOT_FOUND.
                if (attempts >= MinAttempts && time.GetUtcNow() + wait > giveUpAt)
                {
                    logger.LogWarning("{Command} for job {JobKey} of {Connector} via {Protocol} was given up: the gateway did not take it before the job's deadline {Deadline:O} (last {Error}); Zeebe hands the job out again",
                        command, job.Key, job.Type, "Zeebe", giveUpAt, GatewayErrorText.Of(e));
                    return false;
                }
                await Task.Delay(wait, time, stopping);
            }
        }
    }

    /// <summary>The attempts a command gets whatever its deadline reads as on the host's clock.</summary>
    public const int MinAttempts = 3;

    // UNAVAILABLE (no gateway, or no token: see ZeebeWorkers' credentials), RESOURCE_EXHAUSTED (backpressure, but not a
    // message over the gateway's limit, which no attempt will pass) and DEADLINE_EXCEEDED (no answer in time) may pass
    // on another attempt.
    private static bool IsTransient(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        || (e.StatusCode == StatusCode.ResourceExhausted && !GatewayErrorText.IsMessageTooLarge(e));
}
