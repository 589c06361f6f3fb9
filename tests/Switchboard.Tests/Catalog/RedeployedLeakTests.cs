using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Catalog;

/// <summary>A leaked generation of a removed plugin stays reported when the plugin is deployed again (attack round twelve).</summary>
public sealed class RedeployedLeakTests
{
    [Fact]
    public async Task A_leaked_generation_of_a_removed_plugin_stays_reported_when_the_plugin_is_deployed_again()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.TestPlugin("Leaky")), watch: false,
            options => options.UnloadTimeout = TimeSpan.FromMilliseconds(300));
        var folder = Path.Combine(harness.Sandbox.Directory, "Leaky");

        Directory.Delete(folder, recursive: true);
        await harness.Catalog.SyncAsync("Leaky");
        await harness.Catalog.WaitForUnloadsAsync();
        harness.Plugin("Leaky").LeakedGenerations.Should().Be(1, "the removed plugin's generation pins itself (sanity check)");

        PluginSandbox.Copy(Repository.TestPlugin("Leaky"), folder);
        await harness.Catalog.SyncAsync("Leaky");

        var listed = harness.Catalog.Plugins.Where(p => p.Name == "Leaky").ToList();
        listed.Sum(p => p.LeakedGenerations).Should().Be(1,
            "generation 1 is still leaked in memory, but once the plugin is deployed again /plugins (and the dashboard) list it with " +
            "leakedGenerations 0 and no previous generations: the leak disappears from every report (listed: " +
            string.Join("; ", listed.Select(p => $"{p.Name} gen {p.Generation} {p.State} leaked={p.LeakedGenerations} previous=[{string.Join(",", p.PreviousGenerations.Select(g => g.Generation + ":" + g.State))}]")) + ")");
    }
}
