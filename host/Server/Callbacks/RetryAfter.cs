namespace Switchboard.Host.Callbacks;

/// <summary>How long a callback receiver's <c>Retry-After</c> may make us wait before the next attempt.</summary>
internal static class RetryAfter
{
    /// <summary>The header's wait (seconds or a date), at most <paramref name="cap"/>; null when the answer names none.</summary>
    /// <remarks>Honoured, but capped like every other wait: a receiver must not park a callback for hours.</remarks>
    public static TimeSpan? Capped(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? header?.Date - DateTimeOffset.UtcNow;
        return wait > TimeSpan.Zero ? (wait < cap ? wait : cap) : null;
    }
}
