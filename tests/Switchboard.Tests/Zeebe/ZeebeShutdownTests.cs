using System.Diagnostics;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>The host stopping while a removed plugin's Zeebe job still drains (attack round twelve).</summary>
public sealed class ZeebeShutdownTests
{
    private const string Probe = "test.switchboard:probe:1";

    [Fact]
    public async Task Shutdown_while_a_removed_plugins_zeebe_job_still_runs_ends_within_the_shutdown_timeout()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        var probeFolder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        var release = Path.Combine(sandbox.Directory, ".release-" + Guid.NewGuid().ToString("N")[..8]);
        // Switchboard:Zeebe:DrainTimeout keeps its default (20 s); the operator asks for a 3 s shutdown.
        var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01", "Plugins:ReloadProbe:TimeoutSeconds=120",
            "shutdownTimeoutSeconds=3");
        Task? stopping = null;
        try
        {
            var held = server.Gateway.CreateJob(Probe, $$"""{"releaseFile":{{System.Text.Json.JsonSerializer.Serialize(release)}}}""",
                new() { ["operation"] = "wait" });
            await Eventually.WaitFor(() => server.Gateway.Job(held).Activations > 0, because: "the probe job runs");
            Directory.Delete(probeFolder, recursive: true);
            await Eventually.WaitFor(() => host.Catalog.Find(Probe) is null, because: "the probe plugin is removed");

            var watch = Stopwatch.StartNew();
            stopping = host.DisposeAsync().AsTask();
            var stoppedInTime = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(12))) == stopping;
            stoppedInTime.Should().BeTrue("shutdownTimeoutSeconds=3 promises that what still runs after 3 s is named, abandoned and the process " +
                $"exits, but the host was still stopping after {watch.Elapsed.TotalSeconds:0} s: the Zeebe adapter waits out its own DrainTimeout " +
                "(20 s) for the removed plugin's job and ignores the shutdown timeout, so an orchestrator's grace period (e.g. 10 s) kills the host instead");
        }
        finally
        {
            File.WriteAllText(release, "go");
            if (stopping is not null)
                await stopping;
            else
                await host.DisposeAsync();
        }
    }
}
