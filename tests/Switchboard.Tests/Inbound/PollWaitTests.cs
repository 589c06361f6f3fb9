using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Host.Protocols.Inbound;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>The wait between two polls is kept between <see cref="PollWait.Shortest"/> and <see cref="PollWait.Longest"/>
/// whatever the connector asks for: no busy loop on a zero wait, no activation ended by a wait too long for a timer.
/// The host's clock is a fake one that moves only when the test moves it.</summary>
public sealed class PollWaitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new();
    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync() => _box = await HostileInboundSandbox.StartAsync();

    public async Task DisposeAsync() => await _box.DisposeAsync();

    private Task<RunningHost> StartHostAsync(string mode, params string[] settings) => RunningHost.StartAsync(_box.Plugins.Directory, null, switchboard =>
        {
            switchboard.AddZeebe().AddInbound();
            switchboard.Services.AddSingleton<TimeProvider>(_clock);
        },
        [
            "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
            "Switchboard:Inbound:StateDirectory=" + _box.State,
            "Switchboard:Inbound:Activations:poller:inbound.type=test.switchboard:hostile-poll:1",
            "Switchboard:Inbound:Activations:poller:mode=" + mode,
            "Switchboard:Inbound:Activations:poller:messageName=polled",
            "Switchboard:Inbound:Activations:poller:correlationKeyExpression==\"k\"",
            .. settings,
        ]);

    private int Polls() => _box.Gateway.Gateway.Messages.Count(m => m.Name == "polled");

    [Fact]
    public async Task A_poller_asking_to_poll_again_at_once_waits_the_shortest_wait_between_polls()
    {
        await using var host = await StartHostAsync("zero");
        await Eventually.WaitFor(() => Polls() >= 1, because: "the first poll comes at activation");

        var advances = 0;
        await Eventually.WaitFor(() =>
        {
            _clock.Advance(PollWait.Shortest);
            advances++;
            return Polls() >= 5;
        }, because: "each shortest wait lets one more poll through");

        Polls().Should().BeLessThanOrEqualTo(advances + 1, "no poll comes before the shortest wait has passed");
    }

    [Fact]
    public async Task A_poller_asking_for_a_wait_longer_than_a_timer_allows_polls_again_after_the_longest_wait()
    {
        await using var host = await StartHostAsync("forever");
        await Eventually.WaitFor(() => Polls() >= 1, because: "the first poll comes at activation");

        var days = 0;
        await Eventually.WaitFor(() =>
        {
            _clock.Advance(TimeSpan.FromDays(1));
            days++;
            return Polls() >= 2;
        }, TimeSpan.FromSeconds(60), "the activation lives on and polls again once the longest wait has passed");

        days.Should().BeGreaterThanOrEqualTo((int)Switchboard.Core.Describing.LongestWait.Value.TotalDays);
    }

    [Fact]
    public async Task A_default_poll_interval_longer_than_a_timer_allows_stops_the_host_at_start_naming_the_setting()
    {
        var start = () => StartHostAsync("cursor", "Switchboard:Inbound:DefaultPollInterval=60.00:00:00");

        // Refused where every time span setting is bound (one line, exit code 2, as Program.cs prints what Explain gives).
        var refused = await start.Should().ThrowAsync<Exception>();
        string.Join("\n", Switchboard.Host.Hosting.StartupProblem.Explain(refused.Which) ?? []).Should()
            .Contain("Switchboard:Inbound:DefaultPollInterval must be at most");
    }
}
