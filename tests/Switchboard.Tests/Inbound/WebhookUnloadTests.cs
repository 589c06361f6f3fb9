using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Inbound;

/// <summary>An inbound plugin unloads like any other: its generation is collected after a reload.</summary>
public sealed class WebhookUnloadTests
{
    [Fact]
    public async Task A_reloaded_webhook_plugin_generation_unloads()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Webhook")), watch: false);

        await harness.Catalog.SyncAsync("Webhook", force: true);
        await harness.Catalog.WaitForUnloadsAsync();

        harness.Plugin("Webhook").PreviousGenerations.Should().ContainSingle().Which.State.Should().Be(PluginState.Unloaded,
            harness.Logs.All);
    }
}
