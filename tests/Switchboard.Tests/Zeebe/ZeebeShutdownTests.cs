using System.Diagnostics;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Zeebe;

/// <summary>The host stopping while a removed plugin's Zeebe job still drains (attack round twelve).</summary>
public sealed class ZeebeShutdownTests
{
    private const string Probe = "test.switchboard:probe:1";

    [Fact]
    public async Task Shutdown_while_a_removed_plugins_zeebe_job_still_runs_ends_within_the_shutdown_timeout()
    {
        // Switchboard:Zeebe:DrainTimeout keeps its default (20 s); the operator asks for a 3 s shutdown.
        await using var held = await RemovedProbeWithHeldJob.StartAsync(_ => { }, "shutdownTimeoutSeconds=3");

        var watch = Stopwatch.StartNew();
        var stopping = held.StopHostAsync();
        var stoppedInTime = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(12))) == stopping;
        stoppedInTime.Should().BeTrue("shutdownTimeoutSeconds=3 promises that what still runs after 3 s is named, abandoned and the process " +
            $"exits, but the host was still stopping after {watch.Elapsed.TotalSeconds:0} s: the Zeebe adapter waits out its own DrainTimeout " +
            "(20 s) for the removed plugin's job and ignores the shutdown timeout, so an orchestrator's grace period (e.g. 10 s) kills the host instead");
        await stopping;
    }
}
