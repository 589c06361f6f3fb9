using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Pipeline;

/// <summary>The blocked-thread watcher runs only while plugin code runs or waits: an idle host has no thread waking 20 times a second.</summary>
public sealed class BlockedThreadCompensatorTests
{
    [Fact]
    public async Task The_watcher_stops_once_calls_are_done_and_starts_again_with_the_next_call()
    {
        var compensator = new BlockedThreadCompensator();

        compensator.Queued();
        compensator.Watching.Should().BeTrue();
        using (compensator.Enter())
        {
        }
        await Eventually.WaitFor(() => !compensator.Watching, because: "no plugin code runs or waits");

        compensator.Queued();
        compensator.Watching.Should().BeTrue("the next call starts a watcher again");
        compensator.Enter().Dispose();
    }
}
