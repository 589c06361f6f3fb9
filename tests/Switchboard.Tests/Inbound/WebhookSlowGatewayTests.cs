using System.Text;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Attack round fourteen (A): a webhook request whose connector has decided, and which now waits on the Zeebe
/// gateway to correlate its message, runs no plugin code any more; it should not keep a replaced plugin generation from
/// unloading, as a request whose body is still arriving no longer does (WebhookSlowBodyTests).</summary>
public sealed class WebhookSlowGatewayTests
{
    [Fact]
    public async Task A_request_waiting_on_a_slow_gateway_does_not_hold_the_plugin_generation_a_reload_replaces()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        // Draining waits for running calls as long as they run, and the gateway is given as long as it takes to answer;
        // only the test's own bound below ends the wait.
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Catalog:Watch=false", "Switchboard:Catalog:DrainTimeout=00:10:00",
            "Switchboard:Zeebe:Address=" + gateway.Address, "Switchboard:Zeebe:CommandTimeout=00:10:00",
            "Switchboard:Inbound:Activations:orders:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:orders:messageName=order",
            "Switchboard:Inbound:Activations:orders:correlationKeyExpression==request.body.id");
        gateway.Gateway.HangPublishes = true;
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = Timeout.InfiniteTimeSpan };
        using var giveUp = new CancellationTokenSource();
        var request = http.PostAsync("/inbound/orders", new StringContent("""{"id":"o-1"}""", Encoding.UTF8, "application/json"), giveUp.Token);
        try
        {
            // The connector has answered and the host is publishing the message: only the gateway is awaited now.
            await Eventually.WaitFor(() => gateway.Gateway.HungPublishes == 1, TimeSpan.FromSeconds(30), "the webhook's publish reaches the gateway");

            await host.Catalog.SyncAsync("Webhook", force: true);
            var unloaded = host.Catalog.WaitForUnloadsAsync();
            var first = await Task.WhenAny(unloaded, Task.Delay(TimeSpan.FromSeconds(20)));

            first.Should().BeSameAs(unloaded,
                "the replaced generation should unload while a request waits on the gateway (no plugin code of it runs); its generations: {0}",
                string.Join(", ", host.Catalog.Plugins.Single(p => p.Name == "Webhook").PreviousGenerations.Select(g => g.State)));
        }
        finally
        {
            await giveUp.CancelAsync();
            try { await request; } catch (OperationCanceledException) { }
        }
    }
}
