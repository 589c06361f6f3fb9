using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>A poller that misbehaves the ways third-party pollers do, by <c>mode</c>: <c>syncblock</c> blocks its
/// thread for good, <c>asyncblock</c> returns a task that never ends, both deaf to cancellation (each drops <c>&lt;activation id&gt;.started</c> into its folder first); <c>zero</c> and
/// <c>forever</c> ask for the next poll after no time at all and after <see cref="TimeSpan.MaxValue"/>; <c>nullresult</c>
/// yields a null result; <c>many</c> hands <c>count</c> events at once; <c>cursor</c> (and any other) moves its cursor by one each poll, waiting <c>count</c> ms.</summary>
[InboundConnector("test.switchboard:hostile-poll:1", Name = "Hostile poll")]
public sealed class HostilePoller : IPollingConnector<HostileProperties>
{
    public Task<PollResult> PollAsync(HostileProperties properties, string? cursor, IInboundContext context)
    {
        var next = (long.TryParse(cursor, out var last) ? last : 0) + 1;
        if (properties.Mode is "syncblock" or "asyncblock")
            Started.Mark(context.PluginDirectory, context.ActivationId);
        switch (properties.Mode)
        {
            case "syncblock":
                Thread.Sleep(Timeout.Infinite);
                break;
            case "asyncblock":
                return Task.Delay(Timeout.Infinite, CancellationToken.None).ContinueWith(_ => PollResult.Nothing(), TaskScheduler.Default);
            case "zero":
                return Task.FromResult(PollResult.Of([new { poll = next }], next.ToString(), TimeSpan.Zero));
            case "forever":
                return Task.FromResult(PollResult.Of([new { poll = next }], next.ToString(), TimeSpan.MaxValue));
            case "nullresult":
                return Task.FromResult<PollResult>(null!);
            case "many":
                return Task.FromResult(PollResult.Of(Enumerable.Range(1, properties.Count).Select(i => (object?)new { poll = next, i }), next.ToString(),
                    TimeSpan.FromMinutes(1)));
        }
        return Task.FromResult(PollResult.Of([new { poll = next }], next.ToString(), TimeSpan.FromMilliseconds(properties.Count)));
    }
}
