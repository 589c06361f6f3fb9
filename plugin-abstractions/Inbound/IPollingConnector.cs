namespace Switchboard.Abstractions.Inbound;

/// <summary>An inbound connector that asks an outside system for news: the host calls it for each activation, once
/// at activation and then after every interval, and correlates each event it returns, in order.</summary>
/// <typeparam name="TProperties">The activation's properties, bound and validated like an outbound connector's input
/// (name them with <see cref="ParameterAttribute"/>).</typeparam>
/// <remarks>
/// The cursor is the connector's note of what it has seen (an offset, a timestamp, the last id). The host keeps it for
/// the activation, on disk, and hands back the last one with every poll; it saves a returned cursor only once every
/// event of that poll was correlated (or was a duplicate, or did not match the activation condition). So a restart
/// or a reload of the plugin does not publish again what was published, and an event that could not be delivered (the
/// gateway down) is polled again. FEEL expressions see each event's fields at the top level (an event
/// <c>{"response": {...}}</c> is read as <c>response.body</c>).
/// </remarks>
public interface IPollingConnector<TProperties> where TProperties : class
{
    /// <summary>Asks for what happened since <paramref name="cursor"/> (null at the first poll of an activation).</summary>
    /// <param name="properties">The activation's bound properties.</param>
    /// <param name="cursor">The cursor saved after the last complete poll, or null.</param>
    /// <param name="context">The activation, its logger, and a token signalled when it is deactivated or the poll times out.</param>
    Task<PollResult> PollAsync(TProperties properties, string? cursor, IInboundContext context);
}
