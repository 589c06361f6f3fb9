using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.Ticker;

public sealed class TickerProperties
{
    [Parameter("intervalMs")]
    public int IntervalMs { get; set; } = 20;

    /// <summary>How many of the first runs (of this generation) fail after their first tick, as a broker going away would.</summary>
    [Parameter("failRuns")]
    public int FailRuns { get; set; }
}

/// <summary>A subscription that publishes <c>{"tick": n, "run": r, "pid": p}</c> (p: the process it runs in) every interval until it is deactivated.</summary>
[InboundConnector("io.switchboard.test:ticker:1")]
public sealed class TickerConnector : ISubscriptionConnector<TickerProperties>
{
    private static int _runs;
    private static int _constructions;

    /// <summary>Throws for the first <c>Plugins:Ticker:FailConstructions</c> instances of this generation, as a connector
    /// whose dependency is not reachable yet would.</summary>
    public TickerConnector(IPluginContext plugin)
    {
        if (Interlocked.Increment(ref _constructions) <= (int.TryParse(plugin.Configuration["FailConstructions"], out var n) ? n : 0))
            throw new InvalidOperationException("the ticker's clock is not reachable yet");
    }

    public async Task RunAsync(TickerProperties properties, ISubscriptionContext context)
    {
        var run = Interlocked.Increment(ref _runs);
        for (var tick = 1; ; tick++)
        {
            var outcome = await context.PublishAsync(new { tick, run, pid = Environment.ProcessId });
            if (!outcome.IsSettled)
                context.ReportDown("the last tick was not delivered: " + outcome.Message);
            if (run <= properties.FailRuns)
                throw new InvalidOperationException("the broker went away");
            await Task.Delay(properties.IntervalMs, context.CancellationToken);
        }
    }
}
