using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Pipeline;

namespace Switchboard.Tests.Catalog;

/// <summary>The catalog's status (<c>/plugins</c>, the dashboard) is read on other threads while the unloader moves a
/// generation on.</summary>
public sealed class GenerationStatusTests
{
    [Fact]
    public async Task A_generation_is_never_listed_leaked_without_its_reason()
    {
        // Every generation here leaks: its load context is held by the test.
        var held = new AssemblyLoadContext("held by the test", isCollectible: true);
        var unloader = new GenerationUnloader(new CatalogOptions { UnloadTimeout = TimeSpan.FromMilliseconds(1) }, new GenerationFiles(), NullLogger.Instance);
        var assembly = Path.Combine(Repository.TestPlugin("Leaky"), "Leaky.dll");
        var torn = new List<GenerationStatus>();

        for (var number = 1; number <= 60; number++)
        {
            var slot = new PluginSlot("Torn");
            var generation = new PluginGeneration("Torn", number, PluginLoader.CreateFromAssemblyFile(assembly, isUnloadable: true, sharedTypes: []),
                held, "fingerprint", null, null!, null!, new TestPluginContext("Torn"));
            slot.Previous.Add(generation);
            generation.Retire();
            var unloaded = 0;
            // Reads the status as /plugins does, as fast as it can, while the generation is unloaded.
            var reader = Task.Factory.StartNew(() =>
            {
                while (Volatile.Read(ref unloaded) == 0)
                {
                    if (slot.ToStatus().PreviousGenerations.Single() is { State: PluginState.Leaked, Reason: null } seen)
                        torn.Add(seen);
                }
            }, TaskCreationOptions.LongRunning);

            await unloader.UnloadAsync(generation);
            Volatile.Write(ref unloaded, 1);
            await reader;

            generation.State.Should().Be(PluginState.Leaked);
        }

        torn.Should().BeEmpty("a leaked generation is listed with why it leaked, from the moment it is listed leaked");
    }
}
