using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.TestPlugins.HostileInbound;

/// <summary>A poller that misbehaves the ways third-party pollers do, by <c>mode</c>: <c>syncblock</c> blocks its
/// thread for good, <c>asyncblock</c> returns a task that never ends, both deaf to cancellation (each drops <c>&lt;activation id&gt;.started</c> into its folder first); <c>zero</c> and
/// <c>forever</c> ask for the next poll after no time at all and after <see cref="TimeSpan.MaxValue"/>; <c>nullresult</c>
/// yields a null result; <c>nullevents</c> a result it builds itself with no list of events; <c>many</c> hands <c>count</c> events at once;
/// <c>blockinggetter</c> an event whose getter blocks for good; <c>hugethrow</c> throws with a 5 MB message;
/// <c>disposethrow</c> polls as <c>cursor</c> does and throws from its <c>Dispose</c>; <c>gap</c> hands two events
/// <c>{"e": 1}</c>, <c>{"e": 2}</c> moving the cursor from none to <c>1</c>, except that its second poll of the activation
/// hands nothing and keeps the cursor (a source answering once with an empty page), and once at <c>1</c> hands nothing;
/// <c>cursor</c> (and any other)
/// moves its cursor by one each poll, waiting <c>count</c> ms; <c>pid</c> does the same with the id of the process it runs in
/// in each event; <c>failfast</c> ends its process with <c>Environment.FailFast</c> at its first poll of the activation
/// (marked by <c>&lt;activation id&gt;.crashed</c> in its folder, which every later worker sees) and polls as <c>pid</c> after. Its constructor blocks for good when the plugin's
/// configuration says <c>Constructor=block</c>.</summary>
[InboundConnector("test.switchboard:hostile-poll:1", Name = "Hostile poll")]
public sealed class HostilePoller : IPollingConnector<HostileProperties>, IDisposable
{
    private string? _mode;

    // How many times each activation was polled (the gap mode), for this generation of the plugin.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Polls = new();

    public HostilePoller(IPluginContext plugin)
    {
        if (plugin.Configuration["Constructor"] == "block")
            Thread.Sleep(Timeout.Infinite);
    }

    public void Dispose()
    {
        if (_mode == "disposethrow")
            throw new InvalidOperationException("dispose failed");
    }

    public Task<PollResult> PollAsync(HostileProperties properties, string? cursor, IInboundContext context)
    {
        _mode = properties.Mode;
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
            case "nullevents":
                return Task.FromResult((PollResult)typeof(PollResult).GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
                    .Single().Invoke([null, next.ToString(), TimeSpan.FromMilliseconds(100)]));
            case "blockinggetter":
                return Task.FromResult(PollResult.Of([new BlockingEvent()], next.ToString(), TimeSpan.FromMilliseconds(100)));
            case "hugethrow":
                throw new InvalidOperationException("poll failed: " + new string('x', 5_000_000));
            case "gap":
                var polls = Polls.AddOrUpdate(context.ActivationId, 1, (_, n) => n + 1);
                if (polls == 2 || cursor == "1")
                    return Task.FromResult(PollResult.Of([], cursor, TimeSpan.FromMilliseconds(100)));
                return Task.FromResult(PollResult.Of([new { e = 1 }, new { e = 2 }], "1", TimeSpan.FromMilliseconds(100)));
            case "failfast":
                var crashed = Path.Combine(context.PluginDirectory, context.ActivationId + ".crashed");
                if (!File.Exists(crashed))
                {
                    File.WriteAllText(crashed, "");
                    Environment.FailFast("the hostile poller ends its process");
                }
                return Task.FromResult(PollResult.Of([new { poll = next, pid = Environment.ProcessId }], next.ToString(), TimeSpan.FromMilliseconds(properties.Count)));
            case "pid":
                return Task.FromResult(PollResult.Of([new { poll = next, pid = Environment.ProcessId }], next.ToString(), TimeSpan.FromMilliseconds(properties.Count)));
            case "many":
                return Task.FromResult(PollResult.Of(Enumerable.Range(1, properties.Count).Select(i => (object?)new { poll = next, i }), next.ToString(),
                    TimeSpan.FromMinutes(1)));
        }
        return Task.FromResult(PollResult.Of([new { poll = next }], next.ToString(), TimeSpan.FromMilliseconds(properties.Count)));
    }
}

/// <summary>An event whose getter blocks for good: the host reads it when it writes the event out.</summary>
public sealed class BlockingEvent
{
    public int Poll
    {
        get
        {
            Thread.Sleep(Timeout.Infinite);
            return 0;
        }
    }
}
