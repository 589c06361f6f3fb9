using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;

namespace Switchboard.Core.Invoking;

/// <summary>One connector's concurrency limit, the same for every way its code is called (an outbound call of any
/// protocol, a webhook request): <see cref="ConcurrencyLimits.MaxConcurrentCalls"/> run at once,
/// <see cref="ConcurrencyLimits.MaxQueuedCalls"/> more wait their turn (oldest first, each within its own timeout),
/// and any beyond those are refused at once as <see cref="Busy"/>. The author kit holds one too, so a test past the
/// limit is answered as the host answers it.</summary>
/// <remarks>So a connector whose code blocks its thread holds at most its limit's threads, whatever the flood of
/// callers, and a caller past the limit learns it at once instead of when its timeout ends. Refusals are counted in
/// bursts (from the first refusal to the next call admitted), so that an adapter can log a flood once.</remarks>
internal sealed class CallSlots(ConcurrencyLimits limits)
{
    private readonly ConcurrencyLimiter _limiter = limits.CreateLimiter();
    private long _refusedInBurst;

    /// <summary>What taking a slot came to.</summary>
    /// <param name="Permit">The slot, null when the call is refused. It is the call's until disposed, which is when the
    /// connector's code has really ended, not when its caller stopped waiting for it.</param>
    /// <param name="StartsBurst">A refusal that is the first since a call was last admitted.</param>
    /// <param name="EndsBurstOf">An admission that ends a burst: how many calls the burst refused (0 when none).</param>
    public readonly record struct Taken(RateLimitLease? Permit, bool StartsBurst, long EndsBurstOf);

    /// <summary>How many calls may run and wait at once.</summary>
    public ConcurrencyLimits Limits => limits;

    /// <summary>A slot for one call: taken at once when one is free, else after waiting in the queue; none when the
    /// queue is full too (the call is <see cref="Busy"/>).</summary>
    /// <remarks>A value task on a pooled state machine: every call of every protocol comes here, and one that finds a
    /// slot free completes synchronously, allocating nothing.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while the call waited.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Taken> TakeAsync(CancellationToken cancellationToken)
    {
        // Only the refusals counted before this attempt are its to end: ones made while it takes a free slot came after it.
        var before = Volatile.Read(ref _refusedInBurst);
        var permit = _limiter.AttemptAcquire();
        if (permit.IsAcquired)
            return new Taken(permit, false, EndBurst(before));
        permit.Dispose();
        permit = await _limiter.AcquireAsync(1, cancellationToken);
        if (permit.IsAcquired)
            return new Taken(permit, false, EndBurst(Volatile.Read(ref _refusedInBurst))); // admitted after all it waited through
        permit.Dispose();
        return new Taken(null, Interlocked.Increment(ref _refusedInBurst) == 1, 0);
    }

    /// <summary>A slot for one call of <paramref name="connectorType"/>, as <see cref="TakeAsync"/> takes it, or the outcome
    /// the call is answered with instead: <see cref="Busy"/> when refused; timed out, or cancelled when its caller cancelled,
    /// when <paramref name="within"/> fired while it waited. The one answer to a call that gets no slot, whatever calls it.</summary>
    /// <param name="connectorType">The connector, named in the answers.</param>
    /// <param name="timeout">The call's timeout, named when it passed.</param>
    /// <param name="within">The call's token: its timeout linked with its caller's cancellation.</param>
    /// <param name="caller">The caller's own cancellation, which tells a cancelled call from a timed-out one.</param>
    public ValueTask<(RateLimitLease? Permit, Outcome? Refusal)> EnterAsync(string connectorType, TimeSpan timeout, CancellationToken within, CancellationToken caller)
    {
        // Every call of every protocol comes here: one that finds a slot free takes no second state machine.
        var taking = TakeAsync(within);
        return taking.IsCompletedSuccessfully ? new(Entered(taking.Result, connectorType)) : EnterSlowlyAsync(taking, connectorType, timeout, within, caller);
    }

    private async ValueTask<(RateLimitLease? Permit, Outcome? Refusal)> EnterSlowlyAsync(ValueTask<Taken> taking, string connectorType, TimeSpan timeout,
        CancellationToken within, CancellationToken caller)
    {
        try
        {
            return Entered(await taking, connectorType);
        }
        catch (OperationCanceledException) when (within.IsCancellationRequested)
        {
            return (null, CallRunner.Abandoned(connectorType, timeout, caller.IsCancellationRequested));
        }
    }

    private (RateLimitLease? Permit, Outcome? Refusal) Entered(Taken taken, string connectorType) =>
        taken.Permit is { } permit ? (permit, null) : (null, Outcome.Failure(Busy(connectorType)));

    /// <summary>Why a call was refused: the retryable <c>Busy</c> error, which each protocol answers in its own form.</summary>
    public InvocationError Busy(string connectorType) =>
        new(ErrorKind.Busy, "Busy", $"connector '{connectorType}' is busy: {limits.MaxConcurrentCalls} calls are running and {limits.MaxQueuedCalls} waiting; try again later", Retryable: true);

    // Ends the burst of `refused` calls unless more came meanwhile (they keep it going for a later admission to end).
    private long EndBurst(long refused) =>
        refused != 0 && Interlocked.CompareExchange(ref _refusedInBurst, 0, refused) == refused ? refused : 0;
}
