namespace Switchboard.Abstractions.Inbound;

/// <summary>An outside event to publish as a process message (or to start a process instance).</summary>
public sealed class InboundEvent
{
    /// <summary>Variables the message carries: an object, dictionary or JSON node.</summary>
    public object? Variables { get; init; }

    /// <summary>Correlation key matching the waiting process instance; null starts a new one where configured.</summary>
    public string? CorrelationKey { get; init; }

    /// <summary>Id that makes publishing idempotent: the same id is correlated once.</summary>
    public string? MessageId { get; init; }
}
