namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>The official clients' backoff after a failed poll: 50 ms growing ×1.6 up to 5 s, ±10 % jitter, reset on success.</summary>
internal sealed class ErrorBackoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);
    private TimeSpan _next = First;

    /// <summary>The wait before the next attempt; each call lengthens the one after.</summary>
    public TimeSpan Next()
    {
        var wait = _next * (0.9 + Random.Shared.NextDouble() * 0.2);
        _next = TimeSpan.FromTicks(Math.Min(Longest.Ticks, (long)(_next.Ticks * 1.6)));
        return wait;
    }

    /// <summary>Back to the shortest wait after a success.</summary>
    public void Reset() => _next = First;
}
