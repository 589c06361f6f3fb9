using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Pipeline;

namespace Switchboard.Tests.Catalog;

/// <summary>Generations unloaded at once share the full collections their checks need: a deploy replacing many plugins
/// must not stop the host's threads for that many collections side by side.</summary>
[Collection(nameof(ProcessWideCounts))] // counts the process's collections: nothing else may collect meanwhile
public sealed class UnloadCollectionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Generations = 16;

    // Out of line, so that no reference to a load context stays on the test's own frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<PluginGeneration> LoadRetired()
    {
        var assembly = Path.Combine(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe.dll");
        var generations = new List<PluginGeneration>();
        for (var number = 1; number <= Generations; number++)
        {
            var loader = PluginLoader.CreateFromAssemblyFile(assembly, isUnloadable: true, sharedTypes: [typeof(ConnectorAttribute)], configure: c => c.LoadInMemory = true);
            var context = AssemblyLoadContext.GetLoadContext(loader.LoadDefaultAssembly())!;
            var generation = new PluginGeneration("ReloadProbe", number, loader, context, "fingerprint", null, null!, null!, new TestPluginContext("ReloadProbe"));
            generation.Retire();
            generations.Add(generation);
        }
        return generations;
    }

    [Fact]
    public async Task Generations_unloaded_at_once_share_their_full_collections()
    {
        var unloader = new GenerationUnloader(new CatalogOptions(), new GenerationFiles(), NullLogger.Instance);
        var generations = LoadRetired();
        var before = GC.CollectionCount(2);

        await Task.WhenAll(generations.Select(g => Task.Run(() => unloader.UnloadAsync(g))));

        var collections = GC.CollectionCount(2) - before;
        output.WriteLine($"{collections} full collections for {Generations} generations unloaded at once");
        generations.Should().OnlyContain(g => g.State == PluginState.Unloaded, "each generation's context is collected");
        // Each check alone needs at least one full collection of two passes: 32 at the least when each made its own.
        collections.Should().BeLessThan(Generations, "checks waiting at once are served by one collection");
    }
}
