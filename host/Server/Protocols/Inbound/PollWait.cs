namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The wait between two polls of one activation, kept within bounds whatever the connector asks for.</summary>
/// <remarks>A wait of zero would poll (and save a cursor) thousands of times a second; a wait past what a timer can
/// hold (about 49.7 days) would make the wait itself throw and end the activation.</remarks>
internal static class PollWait
{
    /// <summary>The shortest wait between two polls: 100 ms.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait a timer can hold (<see cref="Core.Describing.LongestWait"/>, about 49.7 days).</summary>
    public static readonly TimeSpan Longest = Core.Describing.LongestWait.Value;

    /// <summary>The wait before the next poll: <paramref name="requested"/> (the connector's), else <paramref name="fallback"/>
    /// (the configured interval), within <see cref="Shortest"/> and <see cref="Longest"/>.</summary>
    public static TimeSpan Of(TimeSpan? requested, TimeSpan fallback)
    {
        var wait = requested ?? fallback;
        return wait < Shortest ? Shortest : wait > Longest ? Longest : wait;
    }
}
