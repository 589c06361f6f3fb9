namespace Switchboard.Abstractions.Inbound;

/// <summary>An inbound connector that listens to a queue or a stream: the host starts it once per activation and it
/// pushes each event it receives through <see cref="ISubscriptionContext.PublishAsync"/> until it is deactivated.</summary>
/// <typeparam name="TProperties">The activation's properties, bound and validated like an outbound connector's input.</typeparam>
/// <remarks>
/// <see cref="RunAsync"/> should return (or throw <see cref="OperationCanceledException"/>) soon after
/// <see cref="IInboundContext.CancellationToken"/> is signalled: the activation is deactivated, its plugin is reloaded or
/// the host stops; the plugin's old generation can unload only once it has. If it returns or throws while still
/// active, the activation is reported down with the reason and started again after a growing delay.
/// </remarks>
public interface ISubscriptionConnector<TProperties> where TProperties : class
{
    /// <summary>Listens until <see cref="IInboundContext.CancellationToken"/> is signalled.</summary>
    Task RunAsync(TProperties properties, ISubscriptionContext context);
}
