using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

public sealed class LeakReportTests
{
    [Fact]
    public async Task A_reloaded_plugin_that_pins_itself_is_reported_leaked_and_the_new_generation_serves()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox =>
        {
            sandbox.Add(Repository.TestPlugin("Leaky"));
            sandbox.Add(Repository.ShippedPlugin("Calculator"));
        }, watch: false, options => options.UnloadTimeout = TimeSpan.FromSeconds(1));
        var ping = () => harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:leaky:1", null,
            JsonNode.Parse("""{"echo":"hi"}""")!.AsObject(), Protocol.InProcess));
        (await ping()).Output!["echo"]!.GetValue<string>().Should().Be("hi");

        await harness.Catalog.SyncAsync("Leaky", force: true);
        await harness.Catalog.WaitForUnloadsAsync();

        var status = harness.Plugin("Leaky");
        status.State.Should().Be(PluginState.Loaded, "the new generation serves");
        status.PreviousGenerations.Should().ContainSingle().Which.Should().Match<GenerationStatus>(g =>
            g.Generation == 1 && g.State == PluginState.Leaked && g.Reason!.Contains("still referenced"));
        harness.Logs.All.Should().Contain("Plugin Leaky generation 1 leaked: still referenced");
        (await ping()).Output!["echo"]!.GetValue<string>().Should().Be("hi", "generation 2 serves despite the leak");
        harness.Plugin("Calculator").State.Should().Be(PluginState.Loaded, "the other plugins are untouched");
    }

    [Fact]
    public async Task A_deleted_plugin_that_leaks_stays_listed_as_leaked_in_the_status_endpoint()
    {
        using var sandbox = new PluginSandbox();
        var folder = sandbox.Add(Repository.TestPlugin("Leaky"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:UnloadTimeout=00:00:01");

        Directory.Delete(folder, recursive: true);

        var leaky = await Eventually.WaitFor(async () => JsonNode.Parse(await host.Http.GetStringAsync("/plugins"))!.AsArray()
                .SingleOrDefault(p => p!["name"]!.GetValue<string>() == "Leaky"),
            p => p?["previousGenerations"]?.AsArray().Any(g => g!["state"]!.GetValue<string>() == "leaked") == true,
            because: "the removed plugin's generation is found still alive");
        leaky!["connectors"]!.AsArray().Should().BeEmpty("a removed plugin serves nothing, even while it leaks");
        leaky["previousGenerations"]![0]!["reason"]!.GetValue<string>().Should().Contain("still referenced");
        var call = await host.Http.PostAsync("/csp/connector", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"test.switchboard:leaky:1","params":{"input":{}}}""", System.Text.Encoding.UTF8, "application/json"));
        (await call.Content.ReadAsStringAsync()).Should().Contain("-32601");
    }

    [Fact]
    public async Task A_plugin_that_leaks_on_every_reload_is_listed_with_its_last_ten_generations_and_counted_in_full()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("Leaky")),
            watch: false, options => options.UnloadTimeout = TimeSpan.FromMilliseconds(300));

        for (var i = 0; i < 13; i++)
            await harness.Catalog.SyncAsync("Leaky", force: true);
        await harness.Catalog.WaitForUnloadsAsync();

        var status = harness.Plugin("Leaky");
        status.Generation.Should().Be(14);
        status.PreviousGenerations.Should().HaveCount(10).And.OnlyContain(g => g.State == PluginState.Leaked);
        status.PreviousGenerations.Select(g => g.Generation).Should().Equal(Enumerable.Range(4, 10), "the newest are kept");
        status.LeakedGenerations.Should().Be(13);
    }

    [Fact]
    public async Task A_generation_released_after_its_leak_verdict_is_listed_unloaded_late_and_no_longer_counted_leaked()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false,
            options =>
            {
                options.UnloadTimeout = TimeSpan.FromMilliseconds(300);
                options.LateUnloadChecks = Enumerable.Repeat(TimeSpan.FromMilliseconds(200), 50).ToList();
            });
        // Something outside the plugin holds its context past the verdict, as a request still finishing on a busy host can.
        var holder = new Holder();
        Hold(harness.Catalog, holder);

        await harness.Catalog.SyncAsync("Calculator", force: true);
        await harness.Catalog.WaitForUnloadsAsync();
        harness.Plugin("Calculator").PreviousGenerations.Single().State.Should().Be(PluginState.Leaked);
        harness.Plugin("Calculator").LeakedGenerations.Should().Be(1);

        holder.Context = null;

        // The catalog logs it once it has listed it: both are waited for.
        var status = await Eventually.WaitFor(() => Task.FromResult(harness.Plugin("Calculator")),
            s => s.PreviousGenerations.Single().State == PluginState.Unloaded && harness.Logs.All.Contains("Plugin Calculator generation 1 unloaded late"),
            because: "a later look finds the generation collected");
        status.LeakedGenerations.Should().Be(0);
        status.PreviousGenerations.Single().Reason.Should().StartWith("unloaded late");
        status.History.Select(e => e.What).Should().Contain("generation 1 unloaded late");
        harness.Logs.All.Should().Contain("Plugin Calculator generation 1 unloaded late");
    }

    private sealed class Holder
    {
        public AssemblyLoadContext? Context;
    }

    // Out of line, so that no local of the test's own frame keeps the context alive once the holder lets go.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Hold(PluginCatalog catalog, Holder holder)
    {
        using var lease = catalog.Acquire("io.switchboard:calculator:1")!;
        holder.Context = lease.Generation.Context;
    }
}
