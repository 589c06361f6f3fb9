namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The wait between two polls of one activation, kept within bounds whatever the connector asks for.</summary>
/// <remarks>A wait of zero would poll (and save a cursor) thousands of times a second; a wait past what a timer can
/// hold (about 49.7 days) would make the wait itself throw and end the activation.</remarks>
internal static class PollWait
{
    /// <summary>The shortest wait between two polls: 100 ms.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(100);

    /// <summary>The wait before the next poll: <paramref name="requested"/> (the connector's), else <paramref name="fallback"/>
    /// (the configured interval), within <see cref="Shortest"/> and the longest wait a timer holds (<see cref="Core.Describing.LongestWait"/>).</summary>
    public static TimeSpan Of(TimeSpan? requested, TimeSpan fallback)
    {
        var wait = requested ?? fallback;
        return wait < Shortest ? Shortest : wait > Core.Describing.LongestWait.Value ? Core.Describing.LongestWait.Value : wait;
    }
}
