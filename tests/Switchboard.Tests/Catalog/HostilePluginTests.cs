using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>Plugin code that blocks or hangs costs the host a bounded wait, never its catalog or its shutdown.</summary>
public sealed class HostilePluginTests
{
    private const string Calculator = "io.switchboard:calculator:1";

    [Theory]
    [InlineData("block-constructor", "inprocess")]
    [InlineData("block-start", "inprocess")]
    [InlineData("block-constructor", "process")]
    [InlineData("block-start", "process")]
    public async Task A_plugin_that_blocks_while_loading_is_reported_stuck_and_every_other_plugin_loads_and_reloads(string marker, string isolation)
    {
        var start = CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            File.WriteAllText(Path.Combine(sandbox.Add(Repository.TestPlugin("Hostile")), marker), "");
            sandbox.Add(Repository.TestPlugin("Faults"), "ZLoadsLast");
        }, watch: false, configure: options =>
        {
            // One timeout for every plugin: long enough that a normal plugin loads within it on a busy machine (at 1 s,
            // and once at 4 s, the Faults plugin was reported stuck under CI load), short enough to wait out the stuck one.
            options.LoadTimeout = TimeSpan.FromSeconds(8);
            options.Isolation = isolation;
        });
        await using var harness = await start.WaitAsync(TimeSpan.FromSeconds(60));

        var hostile = harness.Plugin("Hostile");
        hostile.State.Should().Be(PluginState.Failed);
        hostile.Reason.Should().Contain("stuck");
        if (isolation == "process")
            hostile.Reason.Should().Contain("did not load", "the worker holds its plugin to LoadTimeout, says why and ends at once");
        harness.Plugin("ZLoadsLast").State.Should().Be(PluginState.Loaded, "plugins after the stuck one still load: " + harness.Plugin("ZLoadsLast").Reason);
        await harness.Catalog.SyncAsync("Calculator", force: true).WaitAsync(TimeSpan.FromSeconds(60));
        harness.Plugin("Calculator").Generation.Should().Be(2, "reloads still happen: " + harness.Plugin("Calculator").Reason + "\n" + string.Join("\n", harness.Logs.All));
        var sum = await harness.Pipeline.InvokeAsync(new Invocation(Calculator, null, CspCall.Add(2, 3), Protocol.InProcess));
        sum.Error.Should().BeNull(sum.Error?.Message);
        await harness.Catalog.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_lifecycle_StopAsync_that_never_ends_holds_an_unload_only_for_StopTimeout()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
            File.WriteAllText(Path.Combine(sandbox.Add(Repository.TestPlugin("Hostile")), "block-stop"), ""),
            watch: false, configure: options => options.StopTimeout = TimeSpan.FromSeconds(1));

        await harness.Catalog.SyncAsync("Hostile", force: true);
        await harness.Catalog.WaitForUnloadsAsync().WaitAsync(TimeSpan.FromSeconds(20));

        harness.Plugin("Hostile").PreviousGenerations.Should().ContainSingle().Which.Generation.Should().Be(1);
        harness.Logs.All.Should().Contain("HostileLifecycle.StopAsync failed");
    }

    [Theory]
    [InlineData("block-stop", "HostileLifecycle.StopAsync")]
    [InlineData("block-stop-sync", "HostileLifecycle.StopAsync")]
    [InlineData("block-dispose", "disposing HostileLifecycle")]
    public async Task Stop_or_dispose_code_that_never_returns_holds_only_its_own_unload_for_StopTimeout_never_the_catalog(string marker, string named)
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
            File.WriteAllText(Path.Combine(sandbox.Add(Repository.TestPlugin("Hostile")), marker), "");
        }, watch: false, configure: options => options.StopTimeout = TimeSpan.FromSeconds(1));

        // The reload retires generation 1, whose stop or dispose code never returns (a synchronous block holds its thread).
        await harness.Catalog.SyncAsync("Hostile", force: true).WaitAsync(TimeSpan.FromSeconds(20));
        await harness.Catalog.SyncAsync("Calculator", force: true).WaitAsync(TimeSpan.FromSeconds(20));
        harness.Plugin("Calculator").Generation.Should().Be(2, "the catalog goes on reloading other plugins");
        await harness.Catalog.WaitForUnloadsAsync().WaitAsync(TimeSpan.FromSeconds(30));

        harness.Plugin("Hostile").PreviousGenerations.Should().ContainSingle().Which.State.Should().BeOneOf(PluginState.Unloaded, PluginState.Leaked);
        harness.Logs.All.Should().Contain(named).And.Contain("did not finish within 1 s");
        await harness.Catalog.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Shutdown_with_a_call_that_never_ends_finishes_within_the_shutdown_timeout_and_says_what_it_abandoned()
    {
        using var sandbox = new PluginSandbox();
        var folder = sandbox.Add(Repository.TestPlugin("Hostile"));
        var log = new SharedLog();
        var host = await RunningHost.StartAsync(sandbox.Directory, log, "shutdownTimeoutSeconds=2");
        var hanging = host.Http.PostAsync(CspCall.Request(1, "test.switchboard:hostile:1", new JsonObject(), "hang"));
        await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "hang-started")), because: "the call is running");

        var stop = host.DisposeAsync().AsTask();

        await stop.WaitAsync(TimeSpan.FromSeconds(60));
        stop.IsCompletedSuccessfully.Should().BeTrue(log.ToString());
        log.ToString().Should().Contain("Shutdown timeout reached").And.Contain("Hostile#1");
        _ = hanging.ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_plugin_with_a_foreground_thread_does_not_keep_the_host_process_alive_after_SIGTERM()
    {
        using var sandbox = new PluginSandbox();
        File.WriteAllText(Path.Combine(sandbox.Add(Repository.TestPlugin("Hostile")), "foreground-thread"), "");
        await using var host = await HostProcess.StartAsync(sandbox.Directory);

        host.Terminate();

        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(60));
        exitCode.Should().Be(0, "the host stops cleanly even with a plugin thread still running:\n" + host.Output);
    }
}
