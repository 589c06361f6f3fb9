using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Callbacks;

/// <summary>Stopping a host with asynchronous calls pending on both protocols that call back.</summary>
public sealed class ShutdownDrainTests
{
    [Fact]
    public async Task Calls_pending_on_CSP_and_Spiff_with_silent_receivers_do_not_keep_the_host_past_its_shutdown_timeout()
    {
        using var sandbox = new PluginSandbox();
        CspHostFixture.AddPlugins(sandbox);
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        // Each protocol alone fits the shutdown timeout (2 s to finish, then cancelled calls' callbacks given until 4 s
        // from the start of shutdown); one after the other they took 2 + 4 and then 4 more.
        var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. CspHostFixture.Settings, "shutdownTimeoutSeconds=4", "Plugins:ReloadProbe:TimeoutSeconds=60",
                "Switchboard:Csp:Callback:DrainTimeout=00:00:02", "Switchboard:Csp:Callback:FinalDeliveryTimeout=00:00:04",
                "Switchboard:Csp:Callback:MaxAttempts=1", "Switchboard:Csp:Callback:AttemptTimeout=00:01:00",
                "Switchboard:Spiff:CallbackDrainTimeout=00:00:02", "Switchboard:Spiff:CallbackFinalDeliveryTimeout=00:00:04",
                "Switchboard:Spiff:CallbackRetries=1", "Switchboard:Spiff:CallbackAttemptTimeout=00:01:00"]);
        // Accepts connections (its backlog does) and never answers, so each callback waits until it is given up on.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentUrl = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/callback";

        var csp = await host.Http.PostAsync(CspCall.Request(1, CspCall.Probe, new JsonObject { ["milliseconds"] = 30_000 }, "wait", silentUrl));
        var spiff = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":30000,"spiff__callback_url":"{{silentUrl}}"}""");
        csp.Status.Should().Be(HttpStatusCode.Accepted);
        spiff.Status.Should().Be(HttpStatusCode.Accepted);

        var stopping = Stopwatch.StartNew();
        await host.DisposeAsync();
        stopping.Stop();

        // The 4 s bound, and what stopping does after it (the catalog's unloads, whose collections take longer when the
        // suite's process holds gigabytes), under the 10 s the drains took one after the other.
        stopping.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(9),
            "shutdownTimeoutSeconds bounds the whole shutdown, both protocols' drains included (one after the other they took 10 s)");
    }
}
