using Grpc.Core;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Job commands (complete, fail, update timeout) retried on the transient gRPC codes, so a finished result is not dropped by a hiccup.</summary>
internal static class JobCommands
{
    private const int Attempts = 5;

    public static async Task RetryAsync(Func<Task> command, CancellationToken stopping, Action? tokenRefused = null)
    {
        var backoff = new ErrorBackoff();
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command();
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && tokenRefused is not null && !refreshed)
            {
                // One fresh token and one more try, as Camunda's clients do; a second refusal is a real one.
                refreshed = true;
                tokenRefused();
            }
            catch (RpcException e) when (attempt < Attempts && e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded)
            {
                await Task.Delay(backoff.Next(), stopping);
            }
        }
    }
}
