namespace Switchboard.Host.Protocols.Csp;

/// <summary>An accepted asynchronous call on its way to its callback URL.</summary>
internal sealed class CspAsyncCall(CspRequest request, Invocation.Invocation invocation)
{
    private int _attempts;

    public CspRequest Request { get; } = request;

    public Invocation.Invocation Invocation { get; } = invocation;

    public Uri CallbackUrl => Request.CallbackUrl!;

    /// <summary>Callback attempts made so far.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public int CountAttempt() => Interlocked.Increment(ref _attempts);
}
