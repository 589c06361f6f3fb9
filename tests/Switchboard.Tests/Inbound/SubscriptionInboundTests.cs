using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;
using Switchboard.Host.Hosting;
using Switchboard.Host.Protocols.Inbound;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>A subscription connector: started once per activation, its pushed events published; handed to the new
/// generation on a reload (the old one stopped and unloaded); restarted when it fails, reported down meanwhile.</summary>
public class SubscriptionInboundTests : IAsyncLifetime
{
    /// <summary>Settings that put the plugin under test in a worker process (<see cref="IsolatedSubscriptionInboundTests"/>); none here.</summary>
    protected virtual string[] Isolation => [];

    private readonly PluginSandbox _sandbox = new();
    private TestGatewayServer _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _sandbox.Add(Repository.TestPlugin("Ticker"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
    }

    // With a clock, the host waits on it (a failed subscription's restart among others), so a test sees the state
    // between a failure and the restart for as long as it needs: on a busy machine the second of real time could pass
    // between two looks at the listing.
    private Task<RunningHost> StartHostAsync(int failRuns = 0, int failConstructions = 0, TimeProvider? clock = null) => RunningHost.StartAsync(_sandbox.Directory,
        null, clock is null ? null : (ISwitchboardBuilder switchboard) =>
        {
            switchboard.AddZeebe().AddInbound();
            switchboard.Services.AddSingleton(clock);
        },
        [
        .. Isolation,
        "Switchboard:Catalog:Watch=false",
        "Plugins:Ticker:FailConstructions=" + failConstructions,
        "Switchboard:Zeebe:Address=" + _gateway.Address,
        "Switchboard:Inbound:Activations:ticks:inbound.type=io.switchboard.test:ticker:1",
        "Switchboard:Inbound:Activations:ticks:failRuns=" + failRuns,
        "Switchboard:Inbound:Activations:ticks:messageName=tick",
        "Switchboard:Inbound:Activations:ticks:correlationKeyExpression==\"clock\"",
        "Switchboard:Inbound:Activations:ticks:resultVariable=tick",
        ]);

    private IReadOnlyList<PublishedMessage> Ticks() => _gateway.Gateway.Messages.Where(m => m.Name == "tick").ToList();

    private static async Task<JsonNode> Listing(RunningHost host) => (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!;

    [Fact]
    public async Task Pushed_events_are_published_and_a_reload_hands_the_subscription_to_the_new_generation()
    {
        await using var host = await StartHostAsync();
        await Eventually.WaitFor(() => Ticks().Count >= 3, because: "the subscription ticks every 20 ms");
        var ticks = Ticks();
        ticks[0].CorrelationKey.Should().Be("clock");
        ticks[0].Variables["tick"]!["tick"]!.GetValue<int>().Should().Be(1);
        var listing = await Listing(host);
        listing["kind"]!.GetValue<string>().Should().Be("subscription");
        listing["path"].Should().BeNull("no webhook listens for a subscription");
        listing["health"]!["status"]!.GetValue<string>().Should().Be("up");

        for (var reload = 0; reload < 3; reload++)
            await host.Catalog.SyncAsync("Ticker", force: true);
        await Eventually.WaitFor(async () => await Listing(host), l => l["health"]!["generation"]?.GetValue<int>() == 4,
            because: "the activation moves to the newest generation");
        var published = Ticks().Count;
        await Eventually.WaitFor(() => Ticks().Count >= published + 3, because: "the new generation's subscription ticks");
        await host.Catalog.WaitForUnloadsAsync();

        var plugin = host.Catalog.Plugins.Single(p => p.Name == "Ticker");
        plugin.PreviousGenerations.Should().HaveCount(3).And.OnlyContain(g => g.State == PluginState.Unloaded,
            "each replaced generation's subscription was stopped and its lease given back");
    }

    [Fact]
    public async Task A_subscription_that_fails_is_reported_down_with_the_reason_and_started_again()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartHostAsync(failRuns: 1, clock: clock);

        var down = await Eventually.WaitFor(async () => await Listing(host), l => l["health"]!["status"]!.GetValue<string>() == "down" && (string?)l["health"]!["reason"] != "starting");
        down["health"]!["reason"]!.GetValue<string>().Should().Be("the subscription failed: InvalidOperationException: the broker went away");
        // Moved on each look: the restart's wait may begin only after the listing says down.
        await Eventually.WaitFor(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            return Ticks().Any(t => t.Variables["tick"]!["run"]!.GetValue<int>() == 2);
        }, because: "it is started again after a second");
        (await Listing(host))["health"]!["status"]!.GetValue<string>().Should().Be("up");
    }

    [Fact]
    public async Task A_subscription_whose_connector_cannot_be_created_is_reported_down_and_started_again()
    {
        var clock = new FakeTimeProvider();
        await using var host = await StartHostAsync(failConstructions: 1, clock: clock);

        var down = await Eventually.WaitFor(async () => await Listing(host), l => l["health"]!["status"]!.GetValue<string>() == "down" && (string?)l["health"]!["reason"] != "starting");
        down["health"]!["reason"]!.GetValue<string>().Should().Be(
            "the subscription failed: Switchboard.TestPlugins.Ticker.TickerConnector: constructor threw InvalidOperationException: the ticker's clock is not reachable yet");
        await Eventually.WaitFor(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            return Ticks().Count > 0;
        }, because: "it is created again after a second and ticks");
    }
}

/// <summary>The same, with the Ticker plugin in a worker process (<c>Isolation=process</c>): the subscription runs there,
/// moves to a new generation's worker on a reload, and is restarted after a failure, as in the host.</summary>
public sealed class IsolatedSubscriptionInboundTests : SubscriptionInboundTests
{
    protected override string[] Isolation => ["Plugins:Ticker:Isolation=process"];
}
