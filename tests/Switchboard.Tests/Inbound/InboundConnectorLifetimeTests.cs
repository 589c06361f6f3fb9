using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Inbound;

/// <summary>An inbound connector's code is more than its method: binding its properties, its constructor, the getters of
/// what it hands back and its <c>Dispose</c> are the plugin's code too, held to the same timeout, off the threads that
/// answer requests and run activations, and what fails there does not stop an activation.</summary>
public sealed class InboundConnectorLifetimeTests : IAsyncLifetime
{
    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync() => _box = await HostileInboundSandbox.StartAsync();

    public async Task DisposeAsync() => await _box.DisposeAsync();

    private Task<RunningHost> PollerAsync(string mode, params string[] settings) => RunningHost.StartAsync(_box.Plugins.Directory,
    [
        "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
        "Switchboard:Inbound:StateDirectory=" + _box.State,
        "Switchboard:Catalog:DefaultTimeout=00:00:02",
        "Switchboard:Catalog:StopTimeout=00:00:02",
        "Switchboard:Inbound:DefaultPollInterval=00:00:00.100",
        "Switchboard:Inbound:Activations:poller:inbound.type=test.switchboard:hostile-poll:1",
        "Switchboard:Inbound:Activations:poller:mode=" + mode,
        "Switchboard:Inbound:Activations:poller:count=100",
        "Switchboard:Inbound:Activations:poller:messageName=polled",
        "Switchboard:Inbound:Activations:poller:correlationKeyExpression==string(poll)",
        .. settings,
    ]);

    private Task<RunningHost> WebhookAsync(string mode, params string[] settings) => RunningHost.StartAsync(_box.Plugins.Directory,
    [
        "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
        "Switchboard:Catalog:DefaultTimeout=00:00:02",
        "Switchboard:Catalog:StopTimeout=00:00:02",
        "shutdownTimeoutSeconds=2",
        "Switchboard:Inbound:Activations:hook:inbound.type=test.switchboard:hostile-webhook:1",
        "Switchboard:Inbound:Activations:hook:mode=" + mode,
        "Switchboard:Inbound:Activations:hook:messageName=m",
        .. settings,
    ]);

    [Theory]
    [InlineData("cursor", "Plugins:HostileInbound:Constructor=block")]
    [InlineData("blockinggetter", "Plugins:HostileInbound:Unused=1")]
    public async Task A_poller_whose_constructor_or_event_getter_blocks_is_down_at_the_call_timeout(string mode, string setting)
    {
        // Both ran on the activation's own thread, outside the poll's timeout: it showed up for good and never polled again.
        await using var host = await PollerAsync(mode, setting);

        var down = await host.InboundDownAsync("the blocked poll is timed out", pollTimeout: true);

        down["reason"]!.GetValue<string>().Should().Be("the poll did not finish within 2 s");
    }

    [Fact]
    public async Task A_poller_whose_Dispose_throws_publishes_its_events_and_polls_on()
    {
        // The Dispose's exception replaced the poll's result and stopped the activation for good, its events unpublished.
        await using var host = await PollerAsync("disposethrow");

        await Eventually.WaitFor(() => _box.Gateway.Gateway.Messages.Count >= 3, because: "a poll every 100 ms, each event published");
        var health = await host.InboundHealthAsync();

        health["status"]!.GetValue<string>().Should().Be("up", health.ToJsonString());
    }

    [Fact]
    public async Task A_poll_result_without_a_list_of_events_is_a_failed_poll_and_the_activation_polls_on()
    {
        // A result built without the factory methods had no list: the adapter failed on it and stopped the activation.
        await using var host = await PollerAsync("nullevents");

        var down = await host.InboundDownAsync("the poll failed");
        down["reason"]!.GetValue<string>().Should().Be("the poll failed: the connector's PollResult has no list of events (null)");
        var again = await Eventually.WaitFor(() => host.InboundHealthAsync(), h => DateTimeOffset.Parse(h["since"]!.GetValue<string>()) < DateTimeOffset.UtcNow.AddSeconds(-1),
            because: "a second passes");
        again["reason"]!.GetValue<string>().Should().Be(down["reason"]!.GetValue<string>(), "it polls on and fails the same way, not stopped");
    }

    [Fact]
    public async Task An_event_that_can_never_be_correlated_is_skipped_and_the_events_after_it_go_out()
    {
        // Poll n hands {"poll": n}; the second has no correlation key. It was polled again for good, and nothing after it
        // was ever published.
        await using var host = await PollerAsync("cursor", "Switchboard:Inbound:Activations:poller:correlationKeyExpression==if poll = 2 then null else string(poll)");

        await Eventually.WaitFor(() => _box.Gateway.Gateway.Messages.Any(m => m.CorrelationKey == "4"), because: "the events after the odd one are published");
        var activity = (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!["activity"]!;

        _box.Gateway.Gateway.Messages.Select(m => m.CorrelationKey).Take(3).Should().Equal(["1", "3", "4"]);
        activity["refused"]!.GetValue<long>().Should().Be(1, "the skipped event is counted as refused, once");
    }

    [Fact]
    public async Task A_pollers_failure_message_of_megabytes_is_cut_in_GET_inbound()
    {
        // Throwing, logging and escaping a 5 MB message takes more than this class's 2 s timeout on a loaded machine.
        await using var host = await PollerAsync("hugethrow", "Switchboard:Catalog:DefaultTimeout=00:00:30");

        var down = await host.InboundDownAsync("the poll fails");
        var listing = await host.Http.GetStringAsync("/inbound");

        var reason = down["reason"]!.GetValue<string>();
        reason.Length.Should().BeLessThan(600, "a reason is cut to 500 characters");
        reason.Should().StartWith("the poll failed: InvalidOperationException: poll failed: xxx").And.EndWith("…");
        listing.Length.Should().BeLessThan(5_000, "one reason is cut to 500 characters");
    }

    [Fact]
    public async Task A_webhook_connector_whose_Dispose_blocks_answers_and_holds_its_slot_until_Dispose_ends()
    {
        // Dispose ran on the request's thread after the slot was given back: each request hung for good, and each one
        // took another thread past the connector's limit.
        await using var host = await WebhookAsync("disposeblock", "Plugins:HostileInbound:MaxConcurrentCalls=1", "Plugins:HostileInbound:MaxQueuedCalls=0");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };

        var answers = new List<int>();
        for (var i = 0; i < 3; i++)
            answers.Add((int)(await http.PostAsync("/inbound/hook", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);

        answers.Should().Equal([200, 503, 503], "the first is answered; its blocked Dispose keeps the one slot");
    }

    [Fact]
    public async Task A_webhook_connector_whose_constructor_blocks_is_answered_504_at_the_call_timeout()
    {
        await using var host = await WebhookAsync("ok", "Plugins:HostileInbound:Constructor=block");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };

        var started = Stopwatch.GetTimestamp();
        var answer = await http.PostAsync("/inbound/hook", new StringContent("{}", Encoding.UTF8, "application/json"));

        ((int)answer.StatusCode).Should().Be(504, await answer.Content.ReadAsStringAsync());
        // Not a benchmark: without the fix there is no answer at all.
        Stopwatch.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(2 + 15));
    }
}
