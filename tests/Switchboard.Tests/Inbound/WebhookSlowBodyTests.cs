using System.Net.Sockets;
using System.Text;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>A webhook request whose body arrives slowly does not keep a replaced plugin generation from unloading.</summary>
public sealed class WebhookSlowBodyTests
{
    [Fact]
    public async Task A_body_still_arriving_does_not_hold_the_plugin_generation_a_reload_replaces()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.Deploy("orders");
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        // Draining waits for running calls as long as they run; only the test's own bound below ends the wait.
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Catalog:Watch=false", "Switchboard:Catalog:DrainTimeout=00:10:00", "Switchboard:Zeebe:Address=" + gateway.Address,
            "Switchboard:Inbound:Activations:o:inbound.type=io.camunda:webhook:1", "Switchboard:Inbound:Activations:o:bpmnProcessId=orders");
        // A body sent at 1,000 bytes a second, above Kestrel's minimum rate (240), so Kestrel keeps waiting for it.
        var body = Encoding.ASCII.GetBytes("{\"pad\":\"" + new string('.', 200_000) + "\"}");
        using var client = new TcpClient();
        await client.ConnectAsync(host.Address.Host, host.Address.Port);
        var stream = client.GetStream();
        // "100 Continue" comes when the handler starts reading the body: then the request is in the handler for sure.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /inbound/o HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nExpect: 100-continue\r\n\r\n"));
        var reader = new StreamReader(stream, Encoding.ASCII);
        (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))).Should().StartWith("HTTP/1.1 100");
        await reader.ReadLineAsync(); // the blank line that ends the interim answer
        using var trickling = new CancellationTokenSource();
        var sent = 0;
        var trickle = Task.Run(async () =>
        {
            while (!trickling.IsCancellationRequested)
            {
                await stream.WriteAsync(body.AsMemory(sent, 100));
                sent += 100;
                await Task.Delay(100);
            }
        });

        await host.Catalog.SyncAsync("Webhook", force: true);
        var unloaded = host.Catalog.WaitForUnloadsAsync();
        var first = await Task.WhenAny(unloaded, Task.Delay(TimeSpan.FromSeconds(20)));
        await trickling.CancelAsync();
        await trickle;
        first.Should().BeSameAs(unloaded, "the replaced generation unloads while the request's body is still arriving");
        host.Catalog.Plugins.Single(p => p.Name == "Webhook").PreviousGenerations.Should().OnlyContain(g => g.State == PluginState.Unloaded);

        await stream.WriteAsync(body.AsMemory(sent));
        (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("HTTP/1.1 200 OK", "the request runs on the new generation");
    }
}
