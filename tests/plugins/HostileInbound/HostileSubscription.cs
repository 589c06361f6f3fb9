using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>A subscription that will not stop, by <c>mode</c>: <c>deaf</c> awaits forever without its cancellation
/// token, <c>syncblock</c> blocks its thread for good before returning any task; <c>queue</c> is a source holding one
/// event <c>{"e": 1}</c> that it hands until a publish of it is not <c>Failed</c> (then acknowledged: a file
/// <c>&lt;activation id&gt;.acked</c> in its folder, which every later run, a new generation's too, sees), as a message queue
/// redelivers an unacknowledged message to its next consumer; <c>failfast</c> ends its process with
/// <c>Environment.FailFast</c> in its first run (marked by <c>&lt;activation id&gt;.crashed</c> in its folder, which every later
/// worker sees) and waits for its cancellation after. Each run drops
/// <c>&lt;activation id&gt;.started</c> into its folder first.</summary>
[InboundConnector("test.switchboard:hostile-sub:1", Name = "Hostile subscription")]
public sealed class HostileSubscription : ISubscriptionConnector<HostileProperties>
{
    public Task RunAsync(HostileProperties properties, ISubscriptionContext context)
    {
        Started.Mark(context.PluginDirectory, context.ActivationId);
        if (properties.Mode == "syncblock")
            Thread.Sleep(Timeout.Infinite);
        if (properties.Mode == "queue")
            return QueueAsync(context);
        if (properties.Mode == "failfast")
        {
            var crashed = Path.Combine(context.PluginDirectory, context.ActivationId + ".crashed");
            if (!File.Exists(crashed))
            {
                File.WriteAllText(crashed, "");
                Environment.FailFast("the hostile subscription ends its process");
            }
        }
        return properties.Mode == "deaf"
            ? Task.Delay(Timeout.Infinite, CancellationToken.None)
            : Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    private static async Task QueueAsync(ISubscriptionContext context)
    {
        var acked = Path.Combine(context.PluginDirectory, context.ActivationId + ".acked");
        while (!File.Exists(acked))
        {
            if ((await context.PublishAsync(new { e = 1 })).IsSettled)
            {
                File.WriteAllText(acked, "");
                break;
            }
            await Task.Delay(50, context.CancellationToken);
        }
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }
}
