namespace Switchboard.Abstractions.Inbound;

/// <summary>What correlating one event came to.</summary>
public sealed class EventOutcome
{
    /// <summary>An outcome with its status and a sentence saying what happened.</summary>
    public EventOutcome(EventStatus status, string message)
    {
        Status = status;
        Message = message ?? throw new ArgumentNullException(nameof(message));
    }

    /// <summary>Correlated, already correlated, not matching the activation condition, or failed.</summary>
    public EventStatus Status { get; }

    /// <summary>A sentence saying what happened.</summary>
    public string Message { get; }

    /// <summary>Whether the event is settled (anything but <see cref="EventStatus.Failed"/>), so its source may forget it.</summary>
    public bool IsSettled => Status != EventStatus.Failed;

    /// <inheritdoc/>
    public override string ToString() => $"{Status}: {Message}";
}

/// <summary>The four ways an event can end.</summary>
public enum EventStatus
{
    /// <summary>A message was published or a process instance created.</summary>
    Correlated = 0,

    /// <summary>A message with the same id was correlated before; nothing was done again.</summary>
    AlreadyCorrelated = 1,

    /// <summary>The activation condition was not met; the event was dropped.</summary>
    Unmatched = 2,

    /// <summary>It could not be correlated (an expression failed, the gateway refused or could not be reached).</summary>
    Failed = 3,
}
