using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluentAssertions.Execution;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Inbound;

/// <summary>Attack round sixteen (B): a reload of a subscription's plugin while one of its events is being published.</summary>
public sealed class SubscriptionReloadAttackTests : IAsyncLifetime
{
    private HostileInboundSandbox _box = null!;

    public async Task InitializeAsync() => _box = await HostileInboundSandbox.StartAsync();

    public async Task DisposeAsync() => await _box.DisposeAsync();

    [Fact]
    public async Task A_reload_while_an_event_is_being_published_does_not_answer_it_Failed_so_the_source_redelivers_it_to_be_published_twice()
    {
        var gateway = _box.Gateway.Gateway;
        // The broker takes the first publish and is slow to answer it (well within the command timeout).
        gateway.HoldPublishAnswers = true;
        await using var host = await RunningHost.StartAsync(_box.Plugins.Directory,
            "Switchboard:Catalog:Watch=false",
            "Switchboard:Zeebe:Address=" + _box.Gateway.Address,
            "Switchboard:Inbound:Activations:queue:inbound.type=test.switchboard:hostile-sub:1",
            "Switchboard:Inbound:Activations:queue:mode=queue",
            "Switchboard:Inbound:Activations:queue:messageName=queued",
            "Switchboard:Inbound:Activations:queue:resultVariable=queued",
            "Switchboard:Inbound:Activations:queue:correlationKeyExpression==\"k\"");
        await Eventually.WaitFor(() => gateway.HeldPublishes == 1, because: "the subscription publishes its event and the broker takes it");
        gateway.HoldPublishAnswers = false;

        await host.Catalog.SyncAsync("HostileInbound", force: true);
        // The new generation's loop is there (waiting for the old one, or already running): the old one was told to stop
        // while its publish was in flight. Then the broker answers.
        await Eventually.WaitFor(() => host.InboundHealthAsync(), h => h["generation"]?.GetValue<int>() == 2, because: "the activation moves to the new generation");
        gateway.ReleaseHeldPublishes();

        await Eventually.WaitFor(() => File.Exists(Path.Combine(_box.Hostile, "queue.acked")), because: "the event is acknowledged to its source at last");
        await Eventually.WaitFor(() => host.InboundHealthAsync(), h => h["generation"]?.GetValue<int>() == 2 && h["status"]!.GetValue<string>() == "up",
            because: "the new generation's subscription runs");

        using var scope = new AssertionScope();
        gateway.Messages.Where(m => m.Name == "queued").Should().HaveCount(1,
            "the broker took the event's one publish: a reload must not answer that publish Failed (docs/inbound.md: acknowledge only " +
            "when not Failed), which makes the source hand the event to the new generation to publish again, under a new id");
        gateway.AbandonedHeldPublishes.Should().Be(0, "a deactivation waits for the event being delivered, as a poller's does");
    }
}
