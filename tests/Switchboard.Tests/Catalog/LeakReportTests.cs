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
}
