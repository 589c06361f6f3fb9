using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>A polling or subscription activation whose plugin code will not stop (deaf to its cancellation token, or
/// blocking its thread) costs a bounded wait and one warning, never the inbound updates of the other activations,
/// nor the host's shutdown.</summary>
public class StuckActivationTests : IAsyncLifetime
{
    /// <summary>Settings that put the plugins under test in worker processes (<see cref="IsolatedStuckActivationTests"/>); none here.</summary>
    protected virtual string[] Isolation => [];

    private readonly SharedLog _log = new();
    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync()
    {
        _box = await HostileInboundSandbox.StartAsync();
        _box.Plugins.Add(Repository.TestPlugin("Ticker"));
    }

    public async Task DisposeAsync() => await _box.DisposeAsync();

    private Task<RunningHost> StartHostAsync(params string[] settings) => RunningHost.StartAsync(_box.Plugins.Directory, _log,
    [
        .. Isolation,
        "Switchboard:Catalog:Watch=false",
        "Switchboard:Catalog:StopTimeout=00:00:01",
        "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
        "Switchboard:Inbound:StateDirectory=" + _box.State,
        "Switchboard:Inbound:Activations:ticks:inbound.type=io.switchboard.test:ticker:1",
        "Switchboard:Inbound:Activations:ticks:messageName=tick",
        "Switchboard:Inbound:Activations:ticks:correlationKeyExpression==\"clock\"",
        .. settings,
    ]);

    private static string[] Activation(string id, string type, string mode) =>
    [
        $"Switchboard:Inbound:Activations:{id}:inbound.type={type}",
        $"Switchboard:Inbound:Activations:{id}:mode={mode}",
        $"Switchboard:Inbound:Activations:{id}:messageName=m",
        $"Switchboard:Inbound:Activations:{id}:correlationKeyExpression==\"k\"",
    ];

    [Theory]
    [InlineData("test.switchboard:hostile-sub:1", "deaf")]
    [InlineData("test.switchboard:hostile-sub:1", "syncblock")]
    [InlineData("test.switchboard:hostile-poll:1", "asyncblock")]
    [InlineData("test.switchboard:hostile-poll:1", "syncblock")]
    public async Task An_activation_that_will_not_stop_is_abandoned_after_StopTimeout_and_the_others_move_on(string type, string mode)
    {
        var host = await StartHostAsync(Activation("stuck", type, mode));
        await Eventually.WaitFor(() => File.Exists(Path.Combine(_box.Hostile, "stuck.started")), because: "the hostile plugin code runs");
        File.Delete(Path.Combine(_box.Hostile, "stuck.started"));

        await host.Catalog.SyncAsync("HostileInbound", force: true);
        await host.Catalog.SyncAsync("Ticker", force: true);

        await Eventually.WaitFor(() => host.InboundHealthAsync("ticks"), h => h["generation"]?.GetValue<int>() == 2,
            because: "the other activation moves to its plugin's new generation");
        await Eventually.WaitFor(() => File.Exists(Path.Combine(_box.Hostile, "stuck.started")),
            because: "the stuck activation's new loop starts once the old one is abandoned");
        (await host.InboundHealthAsync("stuck"))["generation"]!.GetValue<int>().Should().Be(2);
        _log.ToString().Should().Contain("stuck").And.Contain("did not stop within 1 s");

        // Its new generation will not stop either: the host abandons it too rather than wait out its shutdown timeout.
        var stopping = Stopwatch.StartNew();
        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), _log.ToString());
    }

    [Fact]
    public async Task A_poller_is_not_reported_up_before_its_first_poll_has_gone_through()
    {
        // The loop said "up" as soon as it started, so a poller whose first poll hangs (or fails at its timeout) was shown
        // up meanwhile, on /inbound and the dashboard, though nothing had been polled.
        await using var host = await StartHostAsync(Activation("stuck", "test.switchboard:hostile-poll:1", "syncblock"));
        await Eventually.WaitFor(() => File.Exists(Path.Combine(_box.Hostile, "stuck.started")), because: "the first poll runs, and blocks");

        var health = await host.InboundHealthAsync("stuck");

        health["status"]!.GetValue<string>().Should().Be("down");
        health["reason"]!.GetValue<string>().Should().Be("starting");
    }

    [Fact]
    public async Task A_poll_that_blocks_its_thread_is_reported_down_at_the_call_timeout_like_one_that_never_returns()
    {
        await using var host = await StartHostAsync([.. Activation("stuck", "test.switchboard:hostile-poll:1", "syncblock"), "Switchboard:Catalog:DefaultTimeout=00:00:01"]);

        var health = await Eventually.WaitFor(() => host.InboundHealthAsync("stuck"), h => h["status"]!.GetValue<string>() == "down"
            && h["reason"]!.GetValue<string>().StartsWith("the poll did not finish", StringComparison.Ordinal));
        health["reason"]!.GetValue<string>().Should().Be("the poll did not finish within 1 s");
    }
}

/// <summary>The same, with both plugins in worker processes (<c>Isolation=process</c>): code that will not stop is
/// abandoned after <c>StopTimeout</c> and its poll reported at the call timeout, as in the host.</summary>
public sealed class IsolatedStuckActivationTests : StuckActivationTests
{
    protected override string[] Isolation => ["Plugins:HostileInbound:Isolation=process", "Plugins:Ticker:Isolation=process"];
}
