using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Host.Isolation;

/// <summary>The host's side of a subscription running in a worker process: what its connector publishes and reports
/// reaches the host through this.</summary>
internal interface IWorkerSubscriber
{
    /// <summary>Correlates an event the connector published (written as JSON in the worker); the outcome goes back to it.</summary>
    Task<EventOutcome> PublishAsync(JsonNode? @event);

    /// <summary>The connector reported itself up, or down for <paramref name="reason"/>.</summary>
    void Health(bool up, string? reason);
}
