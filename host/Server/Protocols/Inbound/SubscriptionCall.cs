using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Describing;
using Switchboard.Core.Inbound;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>How one run of a subscription ended: null when it was stopped, else why it ended (with
/// <see cref="Misconfigured"/> when the activation's properties do not bind).</summary>
internal readonly record struct SubscriptionEnd(string? Problem, bool Misconfigured = false);

/// <summary>One run of a subscription connector, where its plugin is loaded: in the host, or in the plugin's worker
/// process under process isolation, which answers the host's <c>subscribe</c> with it once the run has ended. Both run
/// this code, so a subscription ends, fails and is logged in the same words either way.</summary>
internal static class SubscriptionCall
{
    /// <summary>Starts binding the properties, creating the connector and running it with the context
    /// <paramref name="context"/> makes, off the caller's thread; the result comes when the run ends.</summary>
    public static InboundConnectorCall.Run<SubscriptionEnd> Start(PluginGeneration generation, InboundDefinition definition, Activation activation,
        Func<ActivationBinding, ISubscriptionContext> context, ILogger logger, CancellationToken stop) =>
        InboundConnectorCall.Start(generation, definition, activation, logger,
            binding => new SubscriptionEnd(binding.Problem, Misconfigured: true),
            async (instance, binding) =>
            {
                try
                {
                    await ((Task?)definition.Invoke(instance, binding.Properties, context(binding))
                        ?? throw new InvalidOperationException("the connector returned no task (null)"));
                    return new SubscriptionEnd(stop.IsCancellationRequested ? null : "the subscription ended by itself");
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return new SubscriptionEnd(null);
                }
                catch (Exception e)
                {
                    return Failed(logger, activation, e, binding);
                }
            },
            (e, binding) => Failed(logger, activation, e, binding));

    private static SubscriptionEnd Failed(ILogger logger, Activation activation, Exception e, ActivationBinding binding)
    {
        logger.LogWarning(e, "Inbound activation {Activation} ({Connector}) via {Protocol}: the subscription failed",
            activation.Id, activation.ConnectorType, "Subscription");
        return new SubscriptionEnd("the subscription failed: " + InboundConnectorCall.Describe(e, binding));
    }
}
