using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>What a polling activation logs stays in proportion: a misconfiguration is said once, not never and not at
/// every attempt; a poll's settled events are summed up in one line, however many there are.</summary>
public sealed class ActivationLogTests : IAsyncLifetime
{
    private readonly SharedLog _log = new();
    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync() => _box = await HostileInboundSandbox.StartAsync();

    public async Task DisposeAsync() => await _box.DisposeAsync();

    private Task<RunningHost> StartHostAsync(string mode, string count, params string[] settings) => RunningHost.StartAsync(_box.Plugins.Directory,
        _log,
        [
            "Switchboard:Log:Level=Information",
            "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
            "Switchboard:Inbound:StateDirectory=" + _box.State,
            "Switchboard:Inbound:DefaultPollInterval=00:00:00.100",
            "Switchboard:Inbound:Activations:poller:inbound.type=test.switchboard:hostile-poll:1",
            "Switchboard:Inbound:Activations:poller:mode=" + mode,
            "Switchboard:Inbound:Activations:poller:count=" + count,
            "Switchboard:Inbound:Activations:poller:messageName=polled",
            "Switchboard:Inbound:Activations:poller:correlationKeyExpression==\"k\"",
            .. settings,
        ]);

    private string[] Lines(string containing) => _log.ToString().Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task A_misconfigured_activation_is_logged_as_a_warning_naming_the_field()
    {
        await using (var host = await StartHostAsync("cursor", "abc"))
            await Eventually.WaitFor(() => Lines("cannot run").Length > 0, because: "the misconfiguration is logged");

        Lines("cannot run").Should().ContainSingle().Which.Should().Contain("WRN").And.Contain("poller").And.Contain("count");
    }

    [Fact]
    public async Task The_settled_events_of_a_poll_are_summed_up_in_one_line()
    {
        await using (var host = await StartHostAsync("many", "300", "Switchboard:Inbound:Activations:poller:activationCondition==false"))
            await Eventually.WaitFor(() => Lines("of a poll's 300 events").Length > 0, because: "the poll's events are settled and summed up");

        Lines("of a poll's 300 events").Should().ContainSingle().Which.Should().Contain("300 unmatched");
        Lines("Inbound activation poller").Length.Should().BeLessThan(10, "no event that was settled has a line of its own");
    }

    [Fact]
    public async Task Events_failing_one_after_another_are_logged_once_and_their_number_when_they_go_through_again()
    {
        // Each poll's event failed while the gateway was down, and each failure was a Warning of its own.
        var gateway = await TestGatewayServer.StartAsync();
        var state = gateway.Gateway;
        var port = gateway.Port;
        await using var host = await StartHostAsync("cursor", "0", "Switchboard:Zeebe:Address=" + gateway.Address);
        await Eventually.WaitFor(() => state.Messages.Count >= 1, because: "the poller publishes");
        await gateway.KillAsync();
        await Eventually.WaitFor(() => host.Http.GetStringAsync("/inbound"),
            listing => System.Text.Json.Nodes.JsonNode.Parse(listing)![0]!["activity"]!["failed"]!.GetValue<long>() >= 5,
            because: "five polls fail while the gateway is down");
        await using var back = await TestGatewayServer.StartAsync(state, port);
        await Eventually.WaitFor(() => Lines("correlates events again").Length > 0, because: "the gateway is back");

        Lines("the gateway answered").Where(l => l.Contains(" WRN ")).Should().ContainSingle("a streak of failures is said once");
        Lines("correlates events again").Should().ContainSingle().Which.Should().MatchRegex(@"; \d+ in a row could not be correlated");
    }
}
