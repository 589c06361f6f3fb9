using Grpc.Core;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.ZeebeTestGateway;

/// <summary>Switches that make the test gateway misbehave as a hung, old or broken gateway does.</summary>
public sealed partial class TestGateway
{
    private int _hungCompletions;

    /// <summary>When set, CompleteJob calls are never answered: each is held until its caller gives up (its deadline or
    /// cancellation), as a gateway that hangs does.</summary>
    public bool HangCompletions { get; set; }

    /// <summary>CompleteJob calls held unanswered so far.</summary>
    public int HungCompletions => Volatile.Read(ref _hungCompletions);

    /// <summary>When set, ActivateJobs and StreamActivatedJobs are refused with this status, as a broken gateway does.</summary>
    public Status? ActivationFailure { get; set; }

    private void RefuseActivationIfSet()
    {
        if (ActivationFailure is { } status)
            throw new RpcException(status);
    }

    /// <summary>When set, every job handed out carries this as its deadline (epoch milliseconds) instead of the real one,
    /// as a gateway sending any int64 may.</summary>
    public long? SentDeadline { get; set; }

    // A job as it goes to a worker, with the deadline a test asked for.
    private ActivatedJob Sent(TestJob job, IReadOnlyCollection<string> fetch)
    {
        var activated = job.ToActivated(fetch);
        if (SentDeadline is { } deadline)
            activated.Deadline = deadline;
        return activated;
    }

    /// <summary>When set, UpdateJobTimeout is answered with this status, as gateways before 8.4 answer UNIMPLEMENTED.</summary>
    public Status? UpdateJobTimeoutAnswer { get; set; }

    // Holds the call until the caller goes away; the job is left as it was.
    private async Task HangAsync(ServerCallContext context)
    {
        Interlocked.Increment(ref _hungCompletions);
        await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        throw new RpcException(new Status(StatusCode.Cancelled, "the caller went away"));
    }
}
