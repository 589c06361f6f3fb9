using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>A polling connector (the shipped random-number example) run by the host for an activation declared in
/// configuration: each event published on the gateway, the cursor kept on disk across a restart, and an event that
/// could not be delivered polled again rather than lost.</summary>
public class PollingInboundTests : IAsyncLifetime
{
    /// <summary>Settings that put the plugin under test in a worker process (<see cref="IsolatedPollingInboundTests"/>); none here.</summary>
    protected virtual string[] Isolation => [];

    private readonly PluginSandbox _sandbox = new();
    private readonly string _state = Path.Combine(Path.GetTempPath(), "switchboard-tests", "state-" + Guid.NewGuid().ToString("N")[..12]);
    private TestGatewayServer _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _sandbox.Add(Repository.ShippedPlugin("RandomNumber"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
        if (Directory.Exists(_state))
            Directory.Delete(_state, recursive: true);
    }

    private Task<RunningHost> StartHostAsync(string gatewayAddress) => RunningHost.StartAsync(_sandbox.Directory,
        [.. Isolation,
        "Switchboard:Zeebe:Address=" + gatewayAddress,
        "Switchboard:Inbound:StateDirectory=" + _state,
        "Switchboard:Inbound:Activations:numbers:inbound.type=io.switchboard:random-number:1",
        "Switchboard:Inbound:Activations:numbers:intervalSeconds=0.1",
        "Switchboard:Inbound:Activations:numbers:min=10",
        "Switchboard:Inbound:Activations:numbers:max=20",
        "Switchboard:Inbound:Activations:numbers:messageName=number-drawn",
        "Switchboard:Inbound:Activations:numbers:correlationKeyExpression==string(sequence)",
        "Switchboard:Inbound:Activations:numbers:resultExpression=={drawn: number, n: sequence}"]);

    private IReadOnlyList<long> Sequences() =>
        _gateway.Gateway.Messages.Where(m => m.Name == "number-drawn").Select(m => m.Variables["n"]!.GetValue<long>()).ToList();

    // One look at what was published, compared with itself: the poller goes on publishing meanwhile, so a second look
    // (for the expected count) could be longer than the first.
    private void PublishedOnceEachInOrder(string because)
    {
        var published = Sequences();
        published.Should().Equal(Enumerable.Range(1, published.Count).Select(i => (long)i), because);
    }

    [Fact]
    public async Task Each_event_is_published_with_its_FEEL_key_and_variables_and_the_cursor_survives_a_restart()
    {
        await using (var host = await StartHostAsync(_gateway.Address))
        {
            await Eventually.WaitFor(() => Sequences().Count >= 3, because: "the poller publishes a number every 100 ms");
            var listing = await host.Http.GetFromJsonAsync<JsonArray>("/inbound");
            var numbers = listing!.Single(a => a!["id"]!.GetValue<string>() == "numbers")!;
            numbers["kind"]!.GetValue<string>().Should().Be("polling");
            numbers["health"]!["status"]!.GetValue<string>().Should().Be("up");
            numbers["activity"]!["succeeded"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(3);
        }
        var before = Sequences();
        before.Should().Equal(Enumerable.Range(1, before.Count).Select(i => (long)i), "the cursor counts every published number once");
        var first = _gateway.Gateway.Messages.First(m => m.Name == "number-drawn");
        first.CorrelationKey.Should().Be("1");
        first.Variables["drawn"]!.GetValue<long>().Should().BeInRange(10, 20);
        first.TimeToLive.Should().Be(TimeSpan.FromHours(1));

        await using (var _ = await StartHostAsync(_gateway.Address))
            await Eventually.WaitFor(() => Sequences().Count >= before.Count + 2, because: "the restarted host polls again");

        PublishedOnceEachInOrder("after the restart the poller goes on from its saved cursor: no number is published twice, none is skipped");
    }

    [Fact]
    public async Task Events_that_cannot_be_delivered_while_the_gateway_is_down_are_polled_again_and_reported()
    {
        var gatewayPort = _gateway.Port;
        await using var host = await StartHostAsync(_gateway.Address);
        await Eventually.WaitFor(() => Sequences().Count >= 2);
        await _gateway.KillAsync();
        var published = Sequences().Count;

        var down = await Eventually.WaitFor(async () => (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!["health"]!,
            h => h["status"]!.GetValue<string>() == "down" && (string?)h["reason"] != "starting", because: "the activation reports the undelivered event");
        down["reason"]!.GetValue<string>().Should().Contain("could not be correlated").And.Contain("Unavailable");

        _gateway = await TestGatewayServer.StartAsync(_gateway.Gateway, gatewayPort);
        await Eventually.WaitFor(() => Sequences().Count >= published + 2, TimeSpan.FromSeconds(60), "the poller delivers again once the gateway is back");
        PublishedOnceEachInOrder("the numbers drawn while the gateway was down were not counted as published");
        await Eventually.WaitFor(async () => (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!["health"]!["status"]!.GetValue<string>(),
            s => s == "up");
    }

    [Fact]
    public async Task A_publish_whose_answer_was_lost_is_not_published_again_when_the_event_is_polled_again()
    {
        await using var host = await StartHostAsync(_gateway.Address);
        await Eventually.WaitFor(() => Sequences().Count >= 2);
        _gateway.Gateway.LoseNextPublishAnswer();
        await Eventually.WaitFor(() => _gateway.Gateway.RefusedRepeats >= 1, because: "the event is polled again and published with the same message id");
        await Eventually.WaitFor(() => Sequences().Count >= 6, because: "the repeat counts as delivered and the poller goes on");

        PublishedOnceEachInOrder("the gateway kept the number whose answer was lost; drawn again, it is not published a second time");
        _gateway.Gateway.Messages.Select(m => m.MessageId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_publish_whose_answer_was_lost_before_a_restart_is_not_published_again_by_the_restarted_host()
    {
        await using (var _ = await StartHostAsync(_gateway.Address))
        {
            await Eventually.WaitFor(() => Sequences().Count >= 2);
            // The next publish goes through but its answer is lost, and the gateway stays away until the host has stopped.
            _gateway.Gateway.LoseNextPublishAnswer();
            _gateway.Gateway.RefusePublishes = true;
            await Eventually.WaitFor(() => _gateway.Gateway.RefusedPublishes >= 1, because: "the event is polled again while the gateway is away");
        }
        _gateway.Gateway.RefusePublishes = false;
        var before = Sequences().Count;

        await using (var _ = await StartHostAsync(_gateway.Address))
            await Eventually.WaitFor(() => Sequences().Count >= before + 2, because: "the restarted host polls on");

        _gateway.Gateway.RefusedRepeats.Should().Be(1, "the restarted host published the event under the id it first went out with");
        PublishedOnceEachInOrder("no number is published twice");
    }

    [Fact]
    public async Task A_cursor_that_makes_the_same_move_again_later_is_published_again_not_taken_for_a_repeat()
    {
        await using (var _ = await StartHostAsync(_gateway.Address))
            await Eventually.WaitFor(() => Sequences().Count >= 2);
        var before = Sequences().Count;
        Directory.Delete(_state, recursive: true); // the operator starts the activation over: its cursor moves from nothing to 1 again

        await using (var _ = await StartHostAsync(_gateway.Address))
            await Eventually.WaitFor(() => Sequences().Count >= before + 2, because: "the activation counts from 1 again");

        Sequences().Skip(before).Take(2).Should().Equal([1L, 2L], "numbers drawn anew are new events, within the first ones' time to live too");
        _gateway.Gateway.RefusedRepeats.Should().Be(0);
    }

    [Fact]
    public async Task An_activate_inbound_connector_task_starts_the_poller_with_its_correlation_key_and_completes()
    {
        await using var host = await RunningHost.StartAsync(_sandbox.Directory,
            [.. Isolation, "Switchboard:Zeebe:Address=" + _gateway.Address, "Switchboard:Inbound:StateDirectory=" + _state]);

        var job = _gateway.Gateway.CreateJob("_activate_inbound_connector",
            """{"name":"Random number","correlation_key":"order-7","min":3,"max":3,"intervalSeconds":0.1}""");
        var finished = await _gateway.Gateway.FinishedAsync(job);

        finished.State.Should().Be(JobState.Completed, finished.ErrorMessage);
        var messages = await Eventually.WaitFor(() => Task.FromResult(_gateway.Gateway.Messages.ToList()), m => m.Count >= 2,
            because: "the activated poller publishes its numbers");
        messages.Should().OnlyContain(m => m.Name == "Random number" && m.CorrelationKey == "order-7" && m.Variables.Count == 0,
            "the message name defaults to the task's name; no result mapping was asked for");
        var listing = (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!;
        listing["id"]!.GetValue<string>().Should().Be("task:Random number:order-7");
        listing["type"]!.GetValue<string>().Should().Be("io.switchboard:random-number:1");

        var again = _gateway.Gateway.CreateJob("_activate_inbound_connector", """{"name":"io.switchboard:random-number:1"}""");
        var refused = await _gateway.Gateway.FinishedAsync(again);
        refused.State.Should().Be(JobState.Incident, "an input error cannot succeed on a retry");
        refused.ErrorMessage.Should().Contain("correlation_key is required");
        refused.Retries.Should().Be(0);
    }

    [Fact]
    public async Task A_task_whose_name_or_correlation_key_is_a_secret_uses_it_and_never_shows_it()
    {
        Environment.SetEnvironmentVariable("SECRET_TASK_PROBE_NAME", "connector-named-s3cr3t");
        Environment.SetEnvironmentVariable("SECRET_TASK_PROBE_KEY", "key-s3cr3t-8");
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(_sandbox.Directory, log,
            [.. Isolation, "Switchboard:Zeebe:Address=" + _gateway.Address, "Switchboard:Inbound:StateDirectory=" + _state, "Switchboard:Log:Level=Information"]);

        // The replaced values went into the job's error (incident text, error variables), the activation's id and
        // path (GET /inbound answers anyone), what became of each event, and the log.
        var unknown = await _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob("_activate_inbound_connector",
            """{"name":"{{secrets.TASK_PROBE_NAME}}","correlation_key":"k"}"""));
        var keyed = await _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob("_activate_inbound_connector",
            """{"name":"Random number","correlation_key":"{{secrets.TASK_PROBE_KEY}}","min":3,"max":3,"intervalSeconds":0.1}"""));
        await Eventually.WaitFor(() => _gateway.Gateway.Messages.Count >= 2, because: "the activated poller publishes");
        var listing = await Eventually.WaitFor(() => host.Http.GetStringAsync("/inbound"), l => l.Contains("published", StringComparison.Ordinal),
            because: "the listing shows what became of the last event");
        var again = await _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob("_activate_inbound_connector",
            """{"name":"Random number","correlation_key":"{{secrets.TASK_PROBE_KEY}}","min":3,"max":3,"intervalSeconds":0.1}"""));

        unknown.ErrorMessage.Should().Contain("no loaded plugin serves an inbound connector named '***'");
        keyed.State.Should().Be(JobState.Completed, keyed.ErrorMessage);
        _gateway.Gateway.Messages.Should().OnlyContain(m => m.CorrelationKey == "key-s3cr3t-8", "the secret is the key the messages go out with");
        listing.Should().NotContain("s3cr3t").And.Contain("task:Random number:sha256-");
        log.ToString().Should().NotContain("s3cr3t");
        again.State.Should().Be(JobState.Completed, again.ErrorMessage);
        log.ToString().Should().Contain("already active by a task", "the same task run again keeps its activation, secrets and all");
    }

    [Fact]
    public async Task Tasks_past_the_most_activations_tasks_may_make_fail_naming_the_setting()
    {
        // Each task with a new correlation key made an activation lasting until the host stopped, without end.
        await using var host = await RunningHost.StartAsync(_sandbox.Directory,
            [.. Isolation, "Switchboard:Zeebe:Address=" + _gateway.Address, "Switchboard:Inbound:StateDirectory=" + _state, "Switchboard:Inbound:MaxTaskActivations=1"]);
        Task<TestJob> Activate(string key) => _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob("_activate_inbound_connector",
            $$"""{"name":"Random number","correlation_key":"{{key}}","min":3,"max":3,"intervalSeconds":60}"""));

        var first = await Activate("order-1");
        var second = await Activate("order-2");
        var firstAgain = await Activate("order-1");

        first.State.Should().Be(JobState.Completed, first.ErrorMessage);
        second.State.Should().Be(JobState.Incident);
        second.ErrorMessage.Should().Contain("Switchboard:Inbound:MaxTaskActivations");
        firstAgain.State.Should().Be(JobState.Completed, "the same task run again keeps its activation");
        (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Should().ContainSingle();
    }

    [Fact]
    public async Task An_interval_below_the_shortest_poll_wait_is_refused_naming_the_real_minimum()
    {
        // Polls wait at least PollWait.Shortest (0.1 s): a shorter interval would be slowed without a word.
        await using var host = await RunningHost.StartAsync(_sandbox.Directory,
        [
            .. Isolation,
            "Switchboard:Zeebe:Address=" + _gateway.Address,
            "Switchboard:Inbound:StateDirectory=" + _state,
            "Switchboard:Inbound:Activations:fast:inbound.type=io.switchboard:random-number:1",
            "Switchboard:Inbound:Activations:fast:intervalSeconds=0.05",
            "Switchboard:Inbound:Activations:fast:messageName=number-drawn",
            "Switchboard:Inbound:Activations:fast:correlationKeyExpression==string(sequence)",
        ]);

        var health = await Eventually.WaitFor(async () => (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!["health"]!,
            h => h["reason"]?.GetValue<string>() is { } reason && reason != "starting", because: "the activation's first poll settles its health");

        health["status"]!.GetValue<string>().Should().Be("down", "an interval the host cannot keep is a misconfiguration");
        health["reason"]!.GetValue<string>().Should().Contain("intervalSeconds").And.Contain("0.1");
        _gateway.Gateway.Messages.Should().BeEmpty();
    }
}

/// <summary>The same, with the RandomNumber plugin in a worker process (<c>Isolation=process</c>): the worker polls, the
/// host keeps the cursor, publishes and reports, as in the host.</summary>
public sealed class IsolatedPollingInboundTests : PollingInboundTests
{
    protected override string[] Isolation => ["Plugins:RandomNumber:Isolation=process"];
}
