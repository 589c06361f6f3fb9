using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Isolation;

/// <summary>Inbound connectors of a plugin in a worker process (<c>Isolation=process</c>) are served from that worker:
/// a poller's events, a webhook's answer and a subscription's events come from the worker's process and reach Zeebe
/// through the host; a worker that crashes in a poll or a webhook check ends only itself, the activation is reported down
/// naming the crash, and it is served again once the worker is back.</summary>
public sealed class IsolatedInboundTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private readonly SharedLog _log = new();
    private readonly string _state = Path.Combine(Path.GetTempPath(), "switchboard-tests", "state-" + Guid.NewGuid().ToString("N")[..12]);
    private TestGatewayServer _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _sandbox.Add(Repository.TestPlugin("HostileInbound"));
        _sandbox.Add(Repository.TestPlugin("Ticker"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
        if (Directory.Exists(_state))
            Directory.Delete(_state, recursive: true);
    }

    private Task<RunningHost> StartHostAsync(params string[] settings) => RunningHost.StartAsync(_sandbox.Directory, _log,
    [
        // Plugin code writes into its folder (its crash marker), which would otherwise reload it.
        "Switchboard:Catalog:Watch=false",
        "Plugins:HostileInbound:Isolation=process",
        "Plugins:Ticker:Isolation=process",
        "Switchboard:Zeebe:Address=" + _gateway.Address,
        "Switchboard:Inbound:StateDirectory=" + _state,
        .. settings,
    ]);

    private static IEnumerable<string> Activation(string id, string type, string mode, string message) =>
    [
        $"Switchboard:Inbound:Activations:{id}:inbound.type={type}",
        $"Switchboard:Inbound:Activations:{id}:mode={mode}",
        $"Switchboard:Inbound:Activations:{id}:count=50",
        $"Switchboard:Inbound:Activations:{id}:messageName={message}",
        $"Switchboard:Inbound:Activations:{id}:correlationKeyExpression==\"k\"",
        $"Switchboard:Inbound:Activations:{id}:resultVariable=event",
    ];

    private IReadOnlyList<JsonObject> Published(string name) =>
        _gateway.Gateway.Messages.Where(m => m.Name == name).Select(m => m.Variables["event"]!.AsObject()).ToList();

    [Fact]
    public async Task A_poller_and_a_subscription_run_in_the_worker_and_their_events_are_published_by_the_host()
    {
        await using var host = await StartHostAsync(
        [
            .. Activation("polled", "test.switchboard:hostile-poll:1", "pid", "polled"),
            "Switchboard:Inbound:Activations:ticks:inbound.type=io.switchboard.test:ticker:1",
            "Switchboard:Inbound:Activations:ticks:messageName=tick",
            "Switchboard:Inbound:Activations:ticks:correlationKeyExpression==\"clock\"",
            "Switchboard:Inbound:Activations:ticks:resultVariable=event",
        ]);

        await Eventually.WaitFor(() => Published("polled").Count >= 3 && Published("tick").Count >= 3, because: "both publish every 20–50 ms");
        var pollerWorker = await host.WorkerProcessIdAsync("HostileInbound");
        var tickerWorker = await host.WorkerProcessIdAsync("Ticker");
        pollerWorker.Should().NotBe(0).And.NotBe(Environment.ProcessId);
        tickerWorker.Should().NotBe(0).And.NotBe(Environment.ProcessId).And.NotBe(pollerWorker);
        var polled = Published("polled");
        polled.Select(e => e["pid"]!.GetValue<int>()).Should().OnlyContain(pid => pid == pollerWorker, "the poller runs in its plugin's worker");
        polled.Select(e => e["poll"]!.GetValue<long>()).Should().Equal(Enumerable.Range(1, polled.Count).Select(i => (long)i),
            "the host keeps the cursor the worker's poll hands back: each event once, in order");
        Published("tick").Select(e => e["pid"]!.GetValue<int>()).Should().OnlyContain(pid => pid == tickerWorker, "the subscription runs in its plugin's worker");
        (await host.InboundHealthAsync("polled"))["status"]!.GetValue<string>().Should().Be("up");
        (await host.InboundHealthAsync("ticks"))["status"]!.GetValue<string>().Should().Be("up");
        host.Catalog.InboundConnectors.Select(c => c.Type).Should().Contain(["test.switchboard:hostile-poll:1", "io.switchboard.test:ticker:1"]);
        _log.ToString().Should().NotContain("not served");
    }

    [Fact]
    public async Task A_subscription_in_the_worker_reports_its_health_to_the_host_and_stops_with_its_activation()
    {
        await using (var host = await StartHostAsync(
                     [
                         "Switchboard:Inbound:Activations:ticks:inbound.type=io.switchboard.test:ticker:1",
                         "Switchboard:Inbound:Activations:ticks:messageName=tick",
                         "Switchboard:Inbound:Activations:ticks:correlationKeyExpression==\"clock\"",
                     ]))
        {
            await Eventually.WaitFor(() => _gateway.Gateway.Messages.Count >= 2);
            _gateway.Gateway.RefusePublishes = true;

            var down = await host.InboundDownAsync("the ticker reports itself down when a tick is not delivered");
            down["reason"]!.GetValue<string>().Should().Contain("the last tick was not delivered");

            _gateway.Gateway.RefusePublishes = false;
            var ticks = _gateway.Gateway.Messages.Count;
            await Eventually.WaitFor(() => _gateway.Gateway.Messages.Count >= ticks + 2, because: "the ticks go through again");
        }
        // The host's stop cancelled the subscription in the worker, which ended its run and answered: no worker was hung.
        _log.ToString().Should().NotContain("is hung").And.NotContain("did not stop");
    }

    [Fact]
    public async Task A_poll_that_crashes_its_worker_is_reported_down_naming_the_crash_and_polls_on_once_the_worker_is_back()
    {
        await using var host = await StartHostAsync([.. Activation("crashy", "test.switchboard:hostile-poll:1", "failfast", "crashy")]);

        var down = await Eventually.WaitFor(() => host.InboundHealthAsync(), h => (string?)h["reason"] is { } reason && reason.Contains("ended"),
            because: "the poll that ended its worker is reported");
        down["reason"]!.GetValue<string>().Should().Contain("the worker process of plugin HostileInbound ended").And.Contain("exit code");

        await Eventually.WaitFor(() => Published("crashy").Count >= 2, TimeSpan.FromSeconds(60), "the restarted worker polls for the activation");
        Published("crashy").Select(e => e["pid"]!.GetValue<int>()).Should().OnlyContain(pid => pid == Published("crashy")[0]["pid"]!.GetValue<int>())
            .And.NotContain(Environment.ProcessId);
        host.Catalog.Plugins.Single(p => p.Name == "HostileInbound").State.Should().Be(PluginState.Loaded);
    }

    [Fact]
    public async Task A_webhook_is_checked_in_the_worker_and_a_check_that_crashes_it_is_answered_503_at_once()
    {
        await using var host = await StartHostAsync(
        [
            .. Activation("pid", "test.switchboard:hostile-webhook:1", "pid", "hooked"),
            .. Activation("failfast", "test.switchboard:hostile-webhook:1", "failfast", "hooked"),
        ]);

        using var answered = await host.Http.PostAsync("/inbound/pid", new StringContent("{}", Encoding.UTF8, "application/json"));
        answered.StatusCode.Should().Be(HttpStatusCode.OK, await answered.Content.ReadAsStringAsync());
        var pid = JsonNode.Parse(await answered.Content.ReadAsStringAsync())!["pid"]!.GetValue<int>();
        pid.Should().Be(await host.WorkerProcessIdAsync("HostileInbound")).And.NotBe(Environment.ProcessId);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var crashed = await host.Http.PostAsync("/inbound/failfast", new StringContent("{}", Encoding.UTF8, "application/json"));
        crashed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        JsonNode.Parse(await crashed.Content.ReadAsStringAsync())!["message"]!.GetValue<string>()
            .Should().Contain("the worker process of plugin HostileInbound ended").And.Contain("it is being restarted");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(25), "the crash is answered when the worker ends, not at the timeout");

        var again = await Eventually.WaitFor(async () =>
        {
            using var response = await host.Http.PostAsync("/inbound/pid", new StringContent("{}", Encoding.UTF8, "application/json"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, a => a.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the restarted worker checks requests again");
        JsonNode.Parse(again.Body)!["pid"]!.GetValue<int>().Should().NotBe(pid, "a new worker serves");
    }

    [Fact]
    public async Task A_poll_that_blocks_its_thread_in_the_worker_is_reported_at_the_timeout_and_the_hung_worker_is_replaced()
    {
        await using var host = await StartHostAsync(
        [
            .. Activation("stuck", "test.switchboard:hostile-poll:1", "syncblock", "stuck"),
            "Switchboard:Catalog:DefaultTimeout=00:00:01",
            "Switchboard:Catalog:WorkerHungGrace=00:00:01",
        ]);
        var started = Path.Combine(_sandbox.Directory, "HostileInbound", "stuck.started");
        await Eventually.WaitFor(() => File.Exists(started), because: "the poll runs, and blocks its thread");
        var first = await host.WorkerProcessIdAsync("HostileInbound");
        File.Delete(started);

        var down = await host.InboundDownAsync("the poll is reported at the call timeout", pollTimeout: true);
        down["reason"]!.GetValue<string>().Should().Be("the poll did not finish within 1 s");
        // In the host the blocked thread would stay blocked for good; a worker is killed, which frees it.
        await Eventually.WaitFor(() => File.Exists(started), TimeSpan.FromSeconds(60), "a new worker polls for the activation again");
        var second = await host.WorkerProcessIdAsync("HostileInbound");
        second.Should().NotBe(first);
        _log.ToString().Should().Contain("is hung");
        _log.ToString().Should().NotContain("did not stop", "the hung worker's end ends its poll, and with it the activation's loop on that generation");
    }

    [Fact]
    public async Task A_subscription_that_crashes_its_worker_is_reported_down_naming_the_crash_and_runs_again_on_the_new_worker()
    {
        await using var host = await StartHostAsync([.. Activation("crashy", "test.switchboard:hostile-sub:1", "failfast", "crashy")]);
        var started = Path.Combine(_sandbox.Directory, "HostileInbound", "crashy.started");
        var crashed = Path.Combine(_sandbox.Directory, "HostileInbound", "crashy.crashed");
        await Eventually.WaitFor(() => File.Exists(crashed), because: "the first run ends its worker");

        var down = await Eventually.WaitFor(() => host.InboundHealthAsync(), h => (string?)h["reason"] is { } reason && reason.Contains("ended"),
            because: "the run that ended its worker is reported");
        down["reason"]!.GetValue<string>().Should().StartWith("the subscription failed: the worker process of plugin HostileInbound ended");

        // Each run marks its start; the first marked it before it crashed.
        await Eventually.WaitFor(() => File.GetLastWriteTimeUtc(started) > File.GetLastWriteTimeUtc(crashed), TimeSpan.FromSeconds(60),
            "the subscription runs again on the restarted worker");
        await Eventually.WaitFor(() => host.InboundHealthAsync(), h => (string)h["status"]! == "up", because: "the new run is up");
        host.Catalog.Plugins.Single(p => p.Name == "HostileInbound").State.Should().Be(PluginState.Loaded);
    }
}
