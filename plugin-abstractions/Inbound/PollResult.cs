namespace Switchboard.Abstractions.Inbound;

/// <summary>What one poll found: the events to correlate, the cursor to keep, and when to poll next.</summary>
public sealed class PollResult
{
    private PollResult(IReadOnlyList<object?> events, string? cursor, TimeSpan? nextPollAfter)
    {
        if (nextPollAfter is { } after && after < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(nextPollAfter), after, "the next poll cannot be in the past");
        Events = events;
        Cursor = cursor;
        NextPollAfter = nextPollAfter;
    }

    /// <summary>Events to correlate, each serialized to JSON as an outbound output is; the new cursor, or null to keep
    /// the current one; and the wait before the next poll, or null for the host's polling interval (see
    /// <see cref="NextPollAfter"/> for the bounds the host keeps it within).</summary>
    public static PollResult Of(IEnumerable<object?> events, string? cursor = null, TimeSpan? nextPollAfter = null) =>
        new((events ?? throw new ArgumentNullException(nameof(events))).ToList(), cursor, nextPollAfter);

    /// <summary>Nothing new; optionally a new cursor and the wait before the next poll.</summary>
    public static PollResult Nothing(string? cursor = null, TimeSpan? nextPollAfter = null) => new([], cursor, nextPollAfter);

    /// <summary>The events, in the order they are correlated.</summary>
    public IReadOnlyList<object?> Events { get; }

    /// <summary>The cursor to keep once every event is correlated; null keeps the current one.</summary>
    public string? Cursor { get; }

    /// <summary>How long to wait before the next poll; null for the host's interval (<c>Switchboard:Inbound:DefaultPollInterval</c>).</summary>
    /// <remarks>The host waits at least 100 ms between two polls (a shorter wait, zero included, counts as 100 ms) and at
    /// most the longest wait a timer holds, about 49.7 days (<c>uint.MaxValue - 1</c> ms; a longer one, up to
    /// <see cref="TimeSpan.MaxValue"/>, counts as that).</remarks>
    public TimeSpan? NextPollAfter { get; }
}
