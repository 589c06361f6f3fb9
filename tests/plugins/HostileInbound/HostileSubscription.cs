using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>A subscription that will not stop, by <c>mode</c>: <c>deaf</c> awaits forever without its cancellation
/// token, <c>syncblock</c> blocks its thread for good before returning any task. Each run drops
/// <c>&lt;activation id&gt;.started</c> into its folder first.</summary>
[InboundConnector("test.switchboard:hostile-sub:1", Name = "Hostile subscription")]
public sealed class HostileSubscription : ISubscriptionConnector<HostileProperties>
{
    public Task RunAsync(HostileProperties properties, ISubscriptionContext context)
    {
        Started.Mark(context.PluginDirectory, context.ActivationId);
        if (properties.Mode == "syncblock")
            Thread.Sleep(Timeout.Infinite);
        return properties.Mode == "deaf"
            ? Task.Delay(Timeout.Infinite, CancellationToken.None)
            : Task.Delay(Timeout.Infinite, context.CancellationToken);
    }
}
