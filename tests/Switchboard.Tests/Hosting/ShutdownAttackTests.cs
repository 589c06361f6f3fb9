using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Hosting;

/// <summary>Stopping the host, and reloading plugins, while work it accepted is in flight (attack round eighteen A).</summary>
public sealed class ShutdownAttackTests
{
    private const string Probe = "test.switchboard:probe:1";

    private static bool ProbeRunning(RunningHost host) =>
        host.Catalog.Index.TryGet(Probe, out var entry) && entry.Generation.InFlight > 0;

    private static async Task<bool> Within(Func<bool> done, TimeSpan time)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < time)
        {
            if (done())
                return true;
            await Task.Delay(20);
        }
        return done();
    }

    [Fact]
    public async Task Zeebe_workers_take_no_new_job_once_the_host_has_begun_stopping_while_a_synchronous_call_still_runs()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        var release = Path.Combine(sandbox.Directory, ".release-" + Guid.NewGuid().ToString("N")[..8]);
        var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Plugins:ReloadProbe:TimeoutSeconds=60", "shutdownTimeoutSeconds=8");
        Task? stopping = null;
        try
        {
            // A synchronous CSP call that runs for a while (a slow upstream): the host's HTTP server waits for it when stopping.
            var slow = host.Http.PostAsync(CspCall.Request(1, Probe, new JsonObject { ["releaseFile"] = release }, "wait"));
            await Eventually.WaitFor(() => ProbeRunning(host), because: "the synchronous call runs");

            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var workers = host.Services.GetRequiredService<Switchboard.Host.Protocols.Zeebe.ZeebeWorkers>();
            var catalog = host.Catalog;
            stopping = host.DisposeAsync().AsTask();
            await Eventually.WaitFor(() => lifetime.ApplicationStopping.IsCancellationRequested, because: "the host begins stopping");
            // Its workers stop activating. (Asked in-process: the HTTP server may already refuse new requests while it drains.)
            var closing = await Within(() => workers.Describe()["workers"]!.AsArray().All(w => (string?)w!["state"] == "closing"), TimeSpan.FromSeconds(5));
            closing.Should().BeTrue("the workers take no more jobs as soon as the host begins stopping (/health says closing)");

            // A job created now belongs to another instance of the connector runtime: this one is going away.
            var job = server.Gateway.CreateJob(Probe, $$"""{"releaseFile":{{System.Text.Json.JsonSerializer.Serialize(release)}}}""",
                new() { ["operation"] = "wait" });
            // Taken means run by this host: a poll or stream the gateway already held as the workers stopped may still be
            // given the job in that moment (the gateway counts it activated), but the host no longer reads it.
            var taken = await Within(() => catalog.Index.TryGet(Probe, out var entry) && entry.Generation.InFlight > 1, TimeSpan.FromSeconds(3));

            taken.Should().BeFalse("docs/zeebe.md: 'Shutdown: workers stop activating'; but a job created after the host began " +
                "stopping was activated by it, because the Zeebe workers stop only when their turn in the reverse order of hosted services " +
                "comes (after the HTTP server has drained its requests and the inbound loops have stopped), and then get no time of their own: a " +
                "job taken then that is still running when the shutdown timeout ends is cut unreported and waits out its Zeebe job timeout, while " +
                "other workers could have run it at once");
        }
        finally
        {
            File.WriteAllText(release, "go");
            await (stopping ?? host.DisposeAsync().AsTask());
        }
    }

    private const string Hostile = "test.switchboard:hostile:1";

    /// <summary>A host serving the Hostile plugin whose <c>blockOnCancel</c> call is running; disposing releases the
    /// call's blocking cancellation callback, then waits for the host's stop (and stops it if the test did not).</summary>
    // CancelAfter's timer ran the token's callbacks on a pool thread and threw what they threw there, unhandled: the
    // process ended (the clean-clone CI crashed so). Before the fix this test ends the test run itself.
    [Fact]
    public async Task A_connector_whose_cancellation_callback_throws_when_its_call_times_out_does_not_end_the_host()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false");

        var timedOut = await host.Http.PostAsync(CspCall.Request(1, Hostile, new JsonObject(), "throwOnCancel"));
        var after = await host.Http.PostAsync(CspCall.Request(2, Hostile, new JsonObject(), "ping"));

        ((string?)timedOut.ErrorData?["errorCode"]).Should().Be("Timeout", timedOut.ToString());
        ((string?)after.Result?["output"]?["result"]).Should().Be("pong", after.ToString());
    }

    private sealed class BlockedOnCancel : IAsyncDisposable
    {
        public required PluginSandbox Sandbox { get; init; }
        public required RunningHost Host { get; init; }
        public required string Folder { get; init; }
        public string Release => Path.Combine(Folder, "release");
        public Task? Stopping { get; set; }

        public string HookRunning => Path.Combine(Folder, "cancel-hook-running");

        // The call's marker files and its release go to a folder of their own: a file written into the plugin's folder reloads it.
        public static BlockedOnCancel Create(PluginSandbox sandbox, RunningHost host) => new()
        {
            Sandbox = sandbox, Host = host, Folder = Directory.CreateTempSubdirectory("switchboard-cancel-hook-").FullName,
        };

        public Task WaitStartedAsync() =>
            Eventually.WaitFor(() => File.Exists(Path.Combine(Folder, "cancel-hook-started")), because: "the blockOnCancel call runs");

        /// <summary>Starts stopping the host and answers whether it stopped within <paramref name="bound"/>.</summary>
        public async Task<(bool InTime, TimeSpan Took)> StopWithin(TimeSpan bound)
        {
            var watch = Stopwatch.StartNew();
            Stopping = Host.DisposeAsync().AsTask();
            var inTime = await Task.WhenAny(Stopping, Task.Delay(bound)) == Stopping;
            return (inTime, watch.Elapsed);
        }

        public async ValueTask DisposeAsync()
        {
            File.WriteAllText(Release, "go");
            await (Stopping ?? Host.DisposeAsync().AsTask());
            Sandbox.Dispose();
            Directory.Delete(Folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_Zeebe_job_whose_connector_blocks_in_its_cancellation_callback_does_not_hold_the_shutdown_past_its_timeout()
    {
        await using var server = await TestGatewayServer.StartAsync();
        var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "shutdownTimeoutSeconds=3");
        await using var held = BlockedOnCancel.Create(sandbox, host);
        server.Gateway.CreateJob(Hostile, new JsonObject { ["note"] = held.Release }.ToJsonString(), new() { ["operation"] = "blockOnCancel" });
        await held.WaitStartedAsync();

        var (inTime, took) = await held.StopWithin(TimeSpan.FromSeconds(12));

        inTime.Should().BeTrue($"shutdownTimeoutSeconds=3 promises that what still runs then is abandoned and the process exits, but the host was " +
            $"still stopping after {took.TotalSeconds:0} s (the connector's cancellation callback ran: {File.Exists(held.HookRunning)}): the Zeebe worker " +
            "cancels its jobs' token with a synchronous Cancel() (JobWorker.CloseAsync, _abort.Cancel()), which runs the plugin's callbacks on the " +
            "stopping thread and waits for them, so plugin code that blocks there holds the shutdown for as long as it likes");
    }

    [Fact]
    public async Task A_CSP_asynchronous_call_whose_connector_blocks_in_its_cancellation_callback_does_not_hold_the_shutdown_past_its_timeout()
    {
        await using var listener = await CallbackListener.StartAsync();
        var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        // The shutdown timeout ends before the drain timeout (20 s by default): the dispatcher cancels the call itself then.
        var host = await RunningHost.StartAsync(sandbox.Directory, "shutdownTimeoutSeconds=3");
        await using var held = BlockedOnCancel.Create(sandbox, host);
        var accepted = await host.Http.PostAsync(CspCall.Request(1, Hostile, new JsonObject { ["note"] = held.Release }, "blockOnCancel", listener.Url.ToString()));
        accepted.Status.Should().Be(System.Net.HttpStatusCode.Accepted, accepted.ToString());
        await held.WaitStartedAsync();

        var (inTime, took) = await held.StopWithin(TimeSpan.FromSeconds(12));

        inTime.Should().BeTrue($"shutdownTimeoutSeconds=3 promises that what still runs then is cancelled and its callback lost, but the host was " +
            $"still stopping after {took.TotalSeconds:0} s (the connector's cancellation callback ran: {File.Exists(held.HookRunning)}): at the shutdown " +
            "timeout CallbackDispatcher.StopAsync awaits _cancelCalls.CancelAsync(), which completes only once every callback registered on the calls' " +
            "tokens, the plugin's included, has returned");
    }

    [Fact]
    public async Task A_CSP_asynchronous_call_cancelled_at_the_drain_timeout_is_called_back_even_when_its_connector_blocks_in_its_cancellation_callback()
    {
        await using var listener = await CallbackListener.StartAsync();
        var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        var log = new SharedLog();
        var host = await RunningHost.StartAsync(sandbox.Directory, log, "shutdownTimeoutSeconds=15", "Switchboard:Log:Level=Debug",
            "Switchboard:Csp:Callback:DrainTimeout=00:00:01", "Switchboard:Csp:Callback:FinalDeliveryTimeout=00:00:05");
        await using var held = BlockedOnCancel.Create(sandbox, host);
        var accepted = await host.Http.PostAsync(CspCall.Request(7, Hostile, new JsonObject { ["note"] = held.Release }, "blockOnCancel", listener.Url.ToString()));
        accepted.Status.Should().Be(System.Net.HttpStatusCode.Accepted, accepted.ToString());
        await held.WaitStartedAsync();

        held.Stopping = host.DisposeAsync().AsTask();
        JsonNode? callback = null;
        try
        {
            // DrainTimeout (1 s) then FinalDeliveryTimeout (5 s): the "shut down" answer is due within 6 s of the stop.
            callback = await listener.NextAsync(TimeSpan.FromSeconds(8));
        }
        catch (OperationCanceledException)
        {
        }

        callback.Should().NotBeNull($"docs/csp.md: pending calls get DrainTimeout to finish, then are cancelled and called back with a retryable " +
            $"Cancelled error within FinalDeliveryTimeout; but the caller that was answered 202 heard nothing (the connector's cancellation callback " +
            $"ran: {File.Exists(held.HookRunning)}): the connector's own await ends and the call's answer is ready, but " +
            "InvocationPipeline.RunAsync then disposes its linked CancellationTokenSource, whose registration on the dispatcher's token is the " +
            "callback still running the plugin's; CancellationTokenRegistration.Dispose waits for a callback in progress, so the answer waits for " +
            "the plugin's callback to return (and DrainAsync, awaiting _cancelCalls.CancelAsync(), never arms FinalDeliveryTimeout). Log:\n" + log);
        callback!["id"]!.GetValue<int>().Should().Be(7);
        callback["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("Cancelled");
    }

    [Fact]
    public async Task A_reloaded_plugin_whose_lifecycle_stop_blocks_in_its_cancellation_callback_still_unloads_after_StopTimeout()
    {
        var release = Path.Combine(Directory.CreateTempSubdirectory("switchboard-stop-hook-").FullName, "release");
        try
        {
            var marker = "";
            await using var harness = await CatalogHarness.StartAsync(sandbox =>
                    File.WriteAllText(marker = Path.Combine(sandbox.Add(Repository.TestPlugin("Hostile")), "block-stop-callback"), release),
                watch: false, configure: options =>
                {
                    options.StopTimeout = TimeSpan.FromSeconds(1);
                    options.UnloadTimeout = TimeSpan.FromSeconds(1);
                });

            // The reload retires generation 1, whose lifecycle's StopAsync is deaf to its token but registers a blocking callback on it.
            await harness.Catalog.SyncAsync("Hostile", force: true).WaitAsync(TimeSpan.FromSeconds(20));
            var unloads = harness.Catalog.WaitForUnloadsAsync();
            var done = await Task.WhenAny(unloads, Task.Delay(TimeSpan.FromSeconds(8))) == unloads;
            File.Delete(marker); // generation 2 stops at once when the harness ends (watch is off: no reload)
            File.WriteAllText(release, "go");

            done.Should().BeTrue("Switchboard:Catalog:StopTimeout (1 s) bounds a retired generation's IPluginLifecycle.StopAsync, after which " +
                "the unload goes on without it, but 8 s later generation 1 had still not unloaded (its stop callback ran: " +
                $"{File.Exists(release + ".running")}): the StopTimeout's timer cancels the token StopAsync was given, which runs the plugin's " +
                "callback (registered last, so first) before the registration of GenerationUnloader.RunPluginCodeAsync's WaitAsync on the same " +
                "token, so the wait that was to end the stop never ends while the plugin's callback blocks");
        }
        finally
        {
            File.WriteAllText(release, "go");
        }
    }
}
