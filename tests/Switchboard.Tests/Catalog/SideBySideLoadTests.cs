using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>Plugins load side by side: one whose start takes long holds only its own load, and which of two plugins
/// declaring one type serves it does not depend on which loads faster.</summary>
/// <remarks>The SlowStart plugin's start waits (deaf to cancellation) until <c>release-start</c> exists in its folder;
/// the load timeout here is long, so nothing is reported stuck while the tests hold it.</remarks>
public sealed class SideBySideLoadTests
{
    private const string Calculator = "io.switchboard:calculator:1";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_plugin_still_starting_holds_neither_another_plugins_reload_nor_a_new_plugins_load()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")),
            watch: false, options => options.LoadTimeout = TimeSpan.FromMinutes(5));
        var slow = harness.Sandbox.Add(Repository.TestPlugin("SlowStart"));
        var loading = harness.Catalog.SyncAsync("SlowStart");
        await Eventually.WaitFor(() => File.Exists(Path.Combine(slow, "starting")), Bound, because: "the slow plugin's start runs");

        var reload = harness.Catalog.SyncAsync("Calculator", force: true);
        (await Task.WhenAny(reload, Task.Delay(Bound))).Should().BeSameAs(reload,
            "a reload of another plugin does not wait for a plugin still starting (it waited for the whole load timeout, 30 s by default)");
        harness.Plugin("Calculator").Generation.Should().Be(2, harness.Plugin("Calculator").Reason);
        harness.Sandbox.Add(Repository.TestPlugin("Faults"));
        var added = harness.Catalog.SyncAsync("Faults");
        (await Task.WhenAny(added, Task.Delay(Bound))).Should().BeSameAs(added, "a new plugin loads while the slow one starts");
        harness.Plugin("Faults").State.Should().Be(PluginState.Loaded, harness.Plugin("Faults").Reason);
        var sum = await harness.Pipeline.InvokeAsync(new Invocation(Calculator, null, CspCall.Add(2, 3), Protocol.InProcess));
        sum.Error.Should().BeNull(sum.Error?.Message);

        loading.IsCompleted.Should().BeFalse("the slow plugin is still starting");
        File.WriteAllText(Path.Combine(slow, "release-start"), "");
        await loading.WaitAsync(Bound);
        harness.Plugin("SlowStart").State.Should().Be(PluginState.Loaded, harness.Plugin("SlowStart").Reason);
    }

    [Fact]
    public async Task At_start_the_plugins_after_a_slow_one_serve_while_it_is_still_starting()
    {
        string slow = "";
        await using var harness = CatalogHarness.Create(sandbox =>
        {
            slow = sandbox.Add(Repository.TestPlugin("SlowStart"), "ASlow");
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
        }, watch: false, options => options.LoadTimeout = TimeSpan.FromMinutes(5));
        var start = harness.Catalog.StartAsync();
        try
        {
            await Eventually.WaitFor(() => File.Exists(Path.Combine(slow, "starting")), Bound, because: "the slow plugin's start runs");
            await Eventually.WaitFor(() => harness.Catalog.Find(Calculator) is not null, Bound,
                because: "the plugin after the slow one loads and serves meanwhile (it waited for the slow one's whole load timeout)");
            harness.Plugin("ASlow").State.Should().Be(PluginState.Loading);
            start.IsCompleted.Should().BeFalse("the catalog is ready once every plugin has loaded or failed");
        }
        finally
        {
            File.WriteAllText(Path.Combine(slow, "release-start"), "");
        }
        await start.WaitAsync(Bound);
        harness.Catalog.Plugins.Should().OnlyContain(p => p.State == PluginState.Loaded);
    }

    [Fact]
    public async Task Of_two_plugins_declaring_one_type_at_start_the_first_by_name_serves_it_even_when_it_loads_last()
    {
        string first = "", second = "";
        await using var harness = CatalogHarness.Create(sandbox =>
        {
            first = sandbox.Add(Repository.TestPlugin("SlowStart"), "ASlow");
            second = sandbox.Add(Repository.TestPlugin("SlowStart"), "BQuick");
            File.WriteAllText(Path.Combine(second, "release-start"), "");
        }, watch: false, options => options.LoadTimeout = TimeSpan.FromMinutes(5));
        var start = harness.Catalog.StartAsync();
        try
        {
            await Eventually.WaitFor(() => File.Exists(Path.Combine(first, "starting")), Bound, because: "the first plugin's start runs");
        }
        finally
        {
            File.WriteAllText(Path.Combine(first, "release-start"), "");
        }
        await start.WaitAsync(Bound);

        harness.Plugin("ASlow").State.Should().Be(PluginState.Loaded, harness.Plugin("ASlow").Reason);
        harness.Plugin("BQuick").State.Should().Be(PluginState.Failed);
        harness.Plugin("BQuick").Reason.Should().Be("connector type 'test.switchboard:slow-start:1' is already served by plugin 'ASlow'");
        await harness.Catalog.WaitForUnloadsAsync().WaitAsync(Bound);
        if (File.Exists(Path.Combine(second, "started")))
            File.Exists(Path.Combine(second, "stopped")).Should().BeTrue("a generation that started and lost its type is stopped");
    }
}
