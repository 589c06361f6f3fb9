namespace Switchboard.Host.Invocation;

/// <summary>A call's token, which its plugin code sees: the caller's cancellation linked with the call's deadline.</summary>
/// <remarks>
/// Disposing a linked source waits for the link's callback when the caller's token is being cancelled on another thread
/// (the dispatchers' cancellation at shutdown, a Zeebe worker's abort): that callback cancels this source, which runs the
/// plugin's own callbacks on its token there. One that blocked (a client library closing a connection synchronously)
/// held the call's answer, and with it the cancelled call's callback and the host's stop, for as long as it blocked. So
/// the source is left undisposed once the caller's token is cancelled: its link is gone with that token's callbacks, and
/// its deadline timer with its own cancellation.
/// </remarks>
internal readonly struct CallCancellation : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    public CallCancellation(CancellationToken caller)
    {
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
    }

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    public void CancelAfter(TimeSpan delay) => _source.CancelAfter(delay);

    public void Dispose()
    {
        if (!_caller.IsCancellationRequested)
            _source.Dispose();
    }
}
