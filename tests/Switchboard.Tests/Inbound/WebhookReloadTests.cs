using System.Net;
using System.Text;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>A webhook keeps answering while its plugin is reloaded again and again: every request runs on the generation
/// it leased, and each replaced generation unloads.</summary>
public sealed class WebhookReloadTests
{
    [Fact]
    public async Task Requests_during_20_reloads_all_succeed_and_every_old_generation_unloads()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        gateway.Gateway.Deploy("orders");
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        // The host's own log lines, so a failure says what the host saw.
        var log = new SharedLog();
        // A generation is called leaked when it is still referenced this long after its unload: 30 s rather than the
        // default 5, because a full suite on two busy cores once took this test from 3 s to 69 s and found one generation
        // still referenced at 5 s. A generation something really keeps stays referenced however long one waits.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log,
            "Switchboard:Catalog:Watch=false", "Switchboard:Catalog:UnloadTimeout=00:00:30", "Switchboard:Zeebe:Address=" + gateway.Address,
            "Switchboard:Inbound:Activations:o:inbound.type=io.camunda:webhook:1", "Switchboard:Inbound:Activations:o:bpmnProcessId=orders");

        using var stop = new CancellationTokenSource();
        var statuses = new List<HttpStatusCode>();
        var failures = new List<string>();
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            do
            {
                using var response = await host.Http.PostAsync("/inbound/o", new StringContent("""{"n":1}""", Encoding.UTF8, "application/json"));
                var failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                    if (failure is not null)
                        failures.Add(failure);
                }
                answering.TrySetResult();
            }
            while (!stop.IsCancellationRequested);
        })));
        await answering.Task;
        for (var reload = 0; reload < 20; reload++)
            await host.Catalog.SyncAsync("Webhook", force: true);
        stop.Cancel();
        await load;
        await host.Catalog.WaitForUnloadsAsync();

        var because = string.Join("\n", failures.Take(5)) + "\n" + log;
        statuses.Should().NotBeEmpty().And.OnlyContain(s => s == HttpStatusCode.OK, because);
        gateway.Gateway.Instances.Should().HaveCount(statuses.Count, "every answered request created its instance\n" + because);
        var plugin = host.Catalog.Plugins.Single(p => p.Name == "Webhook");
        plugin.Generation.Should().Be(21, because);
        plugin.LeakedGenerations.Should().Be(0, because);
        plugin.PreviousGenerations.Should().OnlyContain(g => g.State == PluginState.Unloaded, because);
    }
}
