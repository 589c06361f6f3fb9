using Switchboard.Host.Callbacks;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>An accepted asynchronous call on its way to its callback URL.</summary>
internal sealed class CspAsyncCall(CspRequest request, PreparedInvocation prepared, long requestBytes) : IAsyncCall
{
    private int _attempts;

    public CspRequest Request { get; } = request;

    /// <summary>The call, validated when it was accepted and bound to that generation.</summary>
    public PreparedInvocation Prepared { get; } = prepared;

    /// <summary>The size of the JSON-RPC request (one member of a batch: its own), held until the call is called back.</summary>
    public long RequestBytes { get; } = requestBytes;

    public Invocation.Invocation Invocation => Prepared.Invocation;

    public Uri CallbackUrl => Request.CallbackUrl!;

    /// <summary>Callback attempts made so far.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public int CountAttempt() => Interlocked.Increment(ref _attempts);
}
