using System.Text.Json.Nodes;

namespace Switchboard.Testing;

/// <summary>What one poll found, as the host takes it.</summary>
public sealed class InboundPoll
{
    internal InboundPoll(IReadOnlyList<JsonNode?> events, string? cursor, TimeSpan? nextPollAfter)
    {
        Events = events;
        Cursor = cursor;
        NextPollAfter = nextPollAfter;
    }

    /// <summary>The events, in order, written as JSON as the host writes them for correlation (what the activation's
    /// FEEL expressions see).</summary>
    public IReadOnlyList<JsonNode?> Events { get; }

    /// <summary>The cursor the host would keep once every event is correlated; null keeps the current one.</summary>
    public string? Cursor { get; }

    /// <summary>The wait the connector asked for before the next poll; null for the host's interval.</summary>
    public TimeSpan? NextPollAfter { get; }
}
