using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>Adapters follow the catalog through <see cref="PluginCatalog.Subscribe"/>: the current snapshot at once, then
/// every new one; a subscriber that fails is logged with its stack and the others still hear of the change.</summary>
public sealed class CatalogSubscriptionTests
{
    [Fact]
    public async Task A_subscriber_gets_the_current_snapshot_at_once_and_each_new_one_after_a_change()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false);
        var seen = new List<ConnectorIndex>();

        using var subscription = harness.Catalog.Subscribe(index => { lock (seen) seen.Add(index); });
        harness.Sandbox.Add(Repository.ShippedPlugin("Log"));
        await harness.Catalog.SyncAsync("Log");

        seen.Should().HaveCount(2, "one call for the load that happened before subscribing, one for the change");
        seen[0].Connectors.Select(c => c.Type).Should().Equal("io.switchboard:calculator:1");
        seen[1].Connectors.Select(c => c.Type).Should().Equal("io.switchboard:calculator:1", "io.switchboard:log:1");
        seen[1].Version.Should().BeGreaterThan(seen[0].Version);
        harness.Catalog.Index.Should().BeSameAs(seen[1], "a snapshot is replaced whole, never changed in place");
    }

    [Fact]
    public async Task A_subscriber_that_throws_is_logged_with_its_stack_and_the_others_still_follow()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false);
        var calls = 0;
        using var failing = harness.Catalog.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        using var following = harness.Catalog.Subscribe(_ => Interlocked.Increment(ref calls));

        harness.Sandbox.Add(Repository.ShippedPlugin("Log"));
        await harness.Catalog.SyncAsync("Log");

        calls.Should().Be(2);
        harness.Logs.All.Should().Contain("A catalog subscriber failed").And.Contain("subscriber bug").And.Contain("   at ");
        harness.Catalog.Find("io.switchboard:log:1").Should().NotBeNull();
    }

    [Fact]
    public async Task A_disposed_subscription_hears_of_no_further_change()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Calculator")), watch: false);
        var calls = 0;
        var subscription = harness.Catalog.Subscribe(_ => Interlocked.Increment(ref calls));

        subscription.Dispose();
        harness.Sandbox.Add(Repository.ShippedPlugin("Log"));
        await harness.Catalog.SyncAsync("Log");

        calls.Should().Be(1);
    }
}
