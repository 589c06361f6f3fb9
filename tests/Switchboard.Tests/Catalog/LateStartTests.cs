using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>A plugin load still running when the catalog stops waiting for it (attack round twelve).</summary>
public sealed class LateStartTests
{
    [Fact]
    public async Task A_lifecycle_that_finishes_starting_after_the_load_timeout_is_stopped_when_its_generation_is_discarded()
    {
        await using var harness = await SlowStartAsync();
        var folder = Path.Combine(harness.Sandbox.Directory, "SlowStart");
        harness.Plugin("SlowStart").State.Should().Be(PluginState.Failed, "its start did not finish within the load timeout");

        // The start code finishes late: its background work is now running in a generation that never serves.
        File.WriteAllText(Path.Combine(folder, "release-start"), "");
        await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "started")), because: "the late start finishes");

        var stopped = true;
        try
        {
            await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "stopped")), TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            stopped = false;
        }
        stopped.Should().BeTrue("the plugin was reported failed (stuck) and its generation is thrown away, but the lifecycle whose StartAsync " +
            "finished late is never given StopAsync: the background work it started (timers, threads, connections) runs on for good in a " +
            "generation that serves nothing and can never unload, and nothing in /plugins says so");
    }

    [Fact]
    public async Task A_lifecycle_that_finishes_starting_late_is_stopped_before_it_is_disposed()
    {
        await using var harness = await SlowStartAsync();
        var folder = Path.Combine(harness.Sandbox.Directory, "SlowStart");
        var order = Path.Combine(folder, "order");
        harness.Plugin("SlowStart").State.Should().Be(PluginState.Failed, "its start did not finish within the load timeout");
        // The generation is given up and unloaded while its lifecycle is still starting.
        await Eventually.WaitFor(() => harness.Logs.All is var logs && (logs.Contains("Plugin SlowStart generation 1 leaked") || logs.Contains("Plugin SlowStart generation 1 unloaded")),
            because: "the generation whose start outlasted the load timeout is unloaded");

        File.WriteAllText(Path.Combine(folder, "release-start"), "");
        await Eventually.WaitFor(() => File.Exists(order) && File.ReadAllLines(order).Length == 2, because: "the late start is stopped and the lifecycle disposed");

        File.ReadAllLines(order).Should().Equal(["stop", "dispose"],
            "a lifecycle is stopped before it is disposed, as everywhere else: disposed first, its late StopAsync ran on a disposed object");
    }

    [Fact]
    public async Task Nothing_is_loaded_again_once_the_catalog_has_stopped()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false);
        await harness.Catalog.StopAsync();

        // What a worker process's crash schedules a moment later (the restart after its backoff), racing the shutdown.
        await harness.Catalog.SyncAsync("Calculator", force: true);

        harness.Catalog.Find("io.switchboard:calculator:1").Should().BeNull(
            "the catalog has stopped: a plugin loaded now would start its lifecycles and, isolated, a worker process that nothing stops");
        harness.Catalog.Plugins.Where(p => p.State == PluginState.Loaded).Should().BeEmpty();
    }

    // The host stops (Ctrl+C, a deployment's SIGTERM) just as a plugin's files changed and its new generation is starting.
    [Fact]
    public async Task A_reload_still_starting_when_the_catalog_stops_neither_holds_the_stop_nor_keeps_the_serving_generation_from_stopping()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
            {
                sandbox.Add(Repository.TestPlugin("SlowStart"));
                File.WriteAllText(Path.Combine(sandbox.Directory, "SlowStart", "release-start"), "");
            },
            watch: false, options => options.LoadTimeout = TimeSpan.FromMinutes(5));
        var folder = Path.Combine(harness.Sandbox.Directory, "SlowStart");
        var order = Path.Combine(folder, "order");
        harness.Plugin("SlowStart").State.Should().Be(PluginState.Loaded);
        File.Delete(Path.Combine(folder, "release-start"));

        // What a change of its files begins: generation 2, whose start waits for the test.
        var reloading = harness.Catalog.SyncAsync("SlowStart", force: true);
        await Eventually.WaitFor(() => File.ReadAllLines(Path.Combine(folder, "starting")).Length == 2, because: "generation 2 is starting");

        using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await harness.Catalog.StopAsync(shutdownTimeout.Token);

        shutdownTimeout.IsCancellationRequested.Should().BeFalse("the stop waits for no load in progress: it waited for generation 2's start, " +
            "up to the load timeout, and at the host's shutdown timeout gave up without stopping any plugin");
        harness.Logs.All.Should().NotContain("Shutdown timeout reached");
        harness.Logs.All.Should().NotContain("reload failed", "a reload the stop overtook did not fail");
        File.ReadAllLines(order).Should().Equal(["stop", "dispose"], "generation 1, serving when the host stopped, is stopped and disposed");
        harness.Catalog.Find("test.switchboard:slow-start:1").Should().BeNull();

        // Its start finishing after the stop, generation 2 never serves: it is stopped and disposed in turn.
        File.WriteAllText(Path.Combine(folder, "release-start"), "");
        await reloading;
        await Eventually.WaitFor(() => File.ReadAllLines(order).Length == 4, because: "the late generation is stopped and disposed");
        File.ReadAllLines(order).Should().Equal(["stop", "dispose", "stop", "dispose"]);
        harness.Catalog.Find("test.switchboard:slow-start:1").Should().BeNull();
    }

    [Fact]
    public async Task A_load_still_running_when_the_host_stops_is_logged_as_given_up_at_the_stop_not_as_a_failed_load()
    {
        await using var harness = await CatalogHarness.StartAsync(_ => { }, watch: false, options => options.LoadTimeout = TimeSpan.FromMinutes(5));
        harness.Sandbox.Add(Repository.TestPlugin("SlowStart"));
        var folder = Path.Combine(harness.Sandbox.Directory, "SlowStart");

        // Its first load, which a new plugin folder begins, still starting when the host stops.
        var loading = harness.Catalog.SyncAsync("SlowStart", force: true);
        await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "starting")), because: "generation 1 is starting");
        await harness.Catalog.StopAsync();

        var lines = harness.Logs.Lines.Where(l => l.Contains("SlowStart")).ToList();
        lines.Should().NotContain(l => l.StartsWith("Error") || l.StartsWith("Warning"),
            "an ordinary stop overtaking a load is no failure: it was logged at Error as \"failed to load and is skipped\" " +
            "(and a reload overtaken so at Warning as \"reload failed, generation N keeps serving\", a moment before generation N was stopped)");
        lines.Should().Contain(l => l.StartsWith("Information") && l.Contains("Plugin SlowStart generation 1 was still loading when the host stopped"));

        File.WriteAllText(Path.Combine(folder, "release-start"), "");
        await loading;
    }

    // The SlowStart plugin, whose start outlasts a load timeout of 1 s until the test releases it.
    private static Task<CatalogHarness> SlowStartAsync() =>
        CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("SlowStart")), watch: false,
            options =>
            {
                options.LoadTimeout = TimeSpan.FromSeconds(1);
                options.UnloadTimeout = TimeSpan.FromMilliseconds(500);
            });
}
