namespace Switchboard.Host.Callbacks;

/// <summary>How many of one protocol's asynchronous calls run and wait at once, and how long shutdown gives them.</summary>
/// <param name="MaxConcurrentCalls">Calls running at once; the rest wait in the queue.</param>
/// <param name="MaxPendingCalls">Calls accepted and not yet called back; beyond this a new call is refused as busy.</param>
/// <param name="MaxPendingBytes">The requests those calls hold, in bytes (each keeps its request until it is called
/// back); beyond this a new call is refused as busy, unless it would be the only one pending.</param>
/// <param name="DrainTimeout">At shutdown, how long pending calls may still run and deliver.</param>
/// <param name="FinalDeliveryTimeout">After the drain, how long the callbacks saying "the host shut down" may take.</param>
internal sealed record CallbackLimits(int MaxConcurrentCalls, int MaxPendingCalls, long MaxPendingBytes, TimeSpan DrainTimeout, TimeSpan FinalDeliveryTimeout);

/// <summary>A call accepted to run later and be answered through a callback.</summary>
internal interface IAsyncCall
{
    /// <summary>The call, validated when it was accepted and bound to that generation.</summary>
    Invocation.PreparedInvocation Prepared { get; }

    /// <summary>The size of the request the call was read from, which it keeps (its input among it) until it is called back.</summary>
    long RequestBytes { get; }
}
