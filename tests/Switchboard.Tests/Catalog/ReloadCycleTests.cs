using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Catalog;

/// <summary>Counts load contexts process-wide, so nothing else may load plugins meanwhile.</summary>
[CollectionDefinition(nameof(ProcessWideCounts), DisableParallelization = true)]
public sealed class ProcessWideCounts;

[Collection(nameof(ProcessWideCounts))]
public sealed class ReloadCycleTests(ITestOutputHelper output)
{
    private static int LoadedCopies(string assemblyName) =>
        AssemblyLoadContext.All.Count(c => c != AssemblyLoadContext.Default && c.Assemblies.Any(a => a.GetName().Name == assemblyName));

    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public async Task A_hundred_reloads_leave_one_generation_loaded_and_memory_flat()
    {
        await using var harness = await CatalogHarness.StartAsync(
            sandbox => sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe"), watch: false);
        var identify = () => harness.Pipeline.InvokeAsync(new Invocation("test.switchboard:probe:1", "identify",
            JsonNode.Parse("""{"echo":"cycle"}""")!.AsObject(), Protocol.InProcess));
        // Unloading ends only when the collector runs, and this test runs alone: nothing else allocates to make it run
        // (a clean-clone run once waited out the 20 s with earlier tests' contexts still counted).
        await Eventually.WaitFor(() =>
        {
            Collect();
            return Task.FromResult(LoadedCopies("ReloadProbe"));
        }, copies => copies <= 1, because: "other tests' plugins finished unloading");
        await identify(); // the serving generation loads its own Newtonsoft lazily; count it in the baseline
        var baselineCopies = LoadedCopies("Newtonsoft.Json");

        long? memoryAfterWarmUp = null;
        for (var cycle = 1; cycle <= 100; cycle++)
        {
            await harness.Catalog.SyncAsync("ReloadProbe", force: true);
            var outcome = await identify();
            (outcome.Output?["variant"]?.GetValue<string>()).Should().Be("v1", "cycle {0}: {1}", cycle, outcome.Error?.Message);
            if (cycle == 10)
            {
                await harness.Catalog.WaitForUnloadsAsync();
                Collect();
                memoryAfterWarmUp = GC.GetTotalMemory(forceFullCollection: true);
            }
        }
        await harness.Catalog.WaitForUnloadsAsync();
        Collect();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);

        harness.Plugin("ReloadProbe").Generation.Should().Be(101);
        harness.Plugin("ReloadProbe").PreviousGenerations.Should().OnlyContain(g => g.State == PluginState.Unloaded);
        LoadedCopies("ReloadProbe").Should().Be(1, "only the serving generation stays loaded");
        LoadedCopies("Newtonsoft.Json").Should().BeLessThanOrEqualTo(baselineCopies, "each unloaded generation took its Newtonsoft copy with it");
        var growth = memoryAfter - memoryAfterWarmUp!.Value;
        output.WriteLine($"managed heap after 10 reloads: {memoryAfterWarmUp / 1024} KiB, after 100: {memoryAfter / 1024} KiB (growth {growth / 1024} KiB)");
        growth.Should().BeLessThan(8 * 1024 * 1024, "90 more reloads must not keep 90 generations' worth of memory");
    }
}
