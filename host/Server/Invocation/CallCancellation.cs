namespace Switchboard.Host.Invocation;

/// <summary>A call's token, which its plugin code sees: the caller's cancellation linked with the call's deadline.</summary>
/// <remarks>
/// <para>The deadline is a timer of its own that cancels the source and survives what the plugin's callbacks on the token
/// throw. <c>CancelAfter</c>'s timer runs those callbacks on a pool thread and throws their exceptions there, unhandled:
/// a connector whose cancellation callback threw when its call timed out ended the host's process.</para>
/// <para>Disposing a linked source waits for the link's callback when the caller's token is being cancelled on another
/// thread (the dispatchers' cancellation at shutdown, a Zeebe worker's abort): that callback cancels this source, which
/// runs the plugin's own callbacks there. One that blocked (a client library closing a connection synchronously) held
/// the call's answer, and with it the cancelled call's callback and the host's stop. So the source is left undisposed
/// once the caller's token is cancelled (its link goes with that token's callbacks); the deadline's timer is always
/// disposed, so it never fires after the call.</para>
/// </remarks>
internal readonly struct CallCancellation : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;
    private readonly ITimer _deadline;

    public CallCancellation(CancellationToken caller, TimeSpan timeout)
    {
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _deadline = Deadline(_source, timeout);
    }

    /// <summary>A timer that cancels <paramref name="source"/> after <paramref name="delay"/> as <see cref="CancelSurviving"/>
    /// does: for every token plugin code is given with a deadline. Dispose it when the work ends.</summary>
    public static ITimer Deadline(CancellationTokenSource source, TimeSpan delay) =>
        TimeProvider.System.CreateTimer(static state => CancelSurviving((CancellationTokenSource)state!), source, delay, Timeout.InfiniteTimeSpan);

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    /// <summary>Cancels <paramref name="source"/>, whose callbacks include plugin code's: what they throw is theirs and
    /// ends here, on whatever thread cancels (a timer's), instead of ending the process.</summary>
    public static void CancelSurviving(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // Every callback ran (Cancel runs them all, then throws what they threw).
        }
        catch (ObjectDisposedException)
        {
            // The call ended meanwhile.
        }
    }

    public void Dispose()
    {
        _deadline.Dispose();
        if (!_caller.IsCancellationRequested)
            _source.Dispose();
    }
}
