using Switchboard.Core.Invoking;
using System.Reflection;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using Switchboard.Abstractions;
using Switchboard.Core.Binding;
using Switchboard.Core.Describing;
using Switchboard.Host.Connectors;

namespace Switchboard.Host.Catalog;

/// <summary>Loads one generation of one plugin: the mirror of <see cref="GenerationUnloader"/>. Checks its references,
/// loads it into a collectible context of its own, describes its connectors, lets the catalog check them, and starts
/// its lifecycles, each within <see cref="CatalogOptions.LoadTimeout"/>.</summary>
/// <remarks>Plugin code (constructors, <c>IPluginLifecycle.StartAsync</c>) runs on a thread of its own, so a plugin that
/// blocks holds only that thread, never the catalog; the catalog stops waiting at the timeout.</remarks>
internal sealed class GenerationLoader(CatalogOptions options, IConfiguration configuration, ILoggerFactory loggerFactory, GenerationUnloader unloader,
    GenerationFiles files, Action<Task> trackUnload)
{
    private readonly ReferenceGate _referenceGate = new();

    /// <summary>Loads and starts generation <paramref name="number"/> of plugin <paramref name="name"/>; faults with a
    /// <see cref="PluginLoadException"/> saying why it cannot serve. <paramref name="check"/> runs before any lifecycle
    /// starts and throws to refuse the generation (a connector type another plugin serves).</summary>
    public async Task<PluginGeneration> LoadAsync(string name, string directory, string fingerprint, int number, Action<PluginGeneration> check)
    {
        PluginGeneration? generation = null;
        try
        {
            // Synchronous on its thread to the end: a second lifecycle's StartAsync must not begin on a pool thread.
            return await PluginThread.Run($"Switchboard load {name}#{number}", () =>
            {
                generation = Load(name, directory, fingerprint, number);
                check(generation);
                StartLifecyclesAsync(generation).GetAwaiter().GetResult();
                return Task.FromResult(generation);
            });
        }
        catch (Exception e)
        {
            if (generation is not null)
                Discard(generation);
            if (e is PluginLoadException)
                throw;
            throw new PluginLoadException($"loading failed: {ConnectorDescriber.Describe(e)}", e);
        }
    }

    /// <summary>Throws away a generation that never served: the lifecycles that started (or finish starting later) are
    /// stopped, its context is unloaded (tracked by the catalog).</summary>
    public void Discard(PluginGeneration generation)
    {
        generation.Retire();
        trackUnload(Task.Run(() => unloader.UnloadAsync(generation)));
    }

    // Loads from the generation's own copy of the folder (see GenerationFiles); the plugin is still told its folder,
    // where its data files are. A load that fails leaves no copy behind.
    private PluginGeneration Load(string name, string directory, string fingerprint, int number)
    {
        try
        {
            return LoadFrom(Copy(name, number, directory), name, directory, fingerprint, number);
        }
        catch
        {
            files.Delete(name, number);
            throw;
        }
    }

    private string Copy(string name, int number, string directory)
    {
        try
        {
            return files.Copy(name, number, directory);
        }
        catch (Exception e) when (e is not PluginLoadException)
        {
            throw new PluginLoadException($"cannot copy the folder's assemblies to load them: {ConnectorDescriber.Describe(e)}", e);
        }
    }

    private PluginGeneration LoadFrom(string copy, string name, string directory, string fingerprint, int number)
    {
        var mainAssembly = PluginFolder.FindMainAssembly(copy);
        _referenceGate.Check(mainAssembly);
        DepsFile.Check(mainAssembly);
        PluginLoader? loader = null;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(mainAssembly, isUnloadable: true,
                sharedTypes: [typeof(ConnectorAttribute)], configure: config => config.LoadInMemory = true);
            var assembly = loader.LoadDefaultAssembly();
            var context = AssemblyLoadContext.GetLoadContext(assembly)!;
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
                ?? assembly.GetName().Version?.ToString();
            var pluginContext = new PluginContext(name, directory, configuration.GetSection($"Plugins:{name}"), loggerFactory);
            var models = new TypeModels();
            var writer = new OutputWriter(models);
            var limits = new ConcurrencyLimits(options.MaxConcurrentCalls, options.MaxQueuedCalls).With(pluginContext.Configuration);
            var describer = new ConnectorDescriber(models, writer, pluginContext, options.DefaultTimeout);
            using (context.EnterContextualReflection())
                describer.Describe(assembly);
            return new PluginGeneration(name, number, loader, context, fingerprint, version, models, writer, pluginContext)
            {
                Connectors = describer.Connectors.Select(c => new LoadedConnector(c, limits)).ToList(),
                Inbound = describer.Inbound.Select(i => new LoadedInbound(i, limits)).ToList(),
                Lifecycles = describer.Lifecycles,
            };
        }
        catch (Exception e)
        {
            loader?.Dispose();
            if (e is PluginLoadException)
                throw;
            throw new PluginLoadException($"cannot load {Path.GetFileName(mainAssembly)}: {ConnectorDescriber.Describe(e)}", e);
        }
    }

    private async Task StartLifecyclesAsync(PluginGeneration generation)
    {
        foreach (var lifecycle in generation.Lifecycles)
        {
            try
            {
                using var timeout = new CancellationTokenSource(options.LoadTimeout);
                Task starting;
                using (generation.Context!.EnterContextualReflection())
                    starting = lifecycle.StartAsync(timeout.Token) ?? throw new InvalidOperationException("it returned no task (null)");
                // Recorded before the wait: a start that outlasts the load timeout may still finish, and must then be stopped.
                generation.Starts.Add((lifecycle, starting));
                await starting.WaitAsync(timeout.Token);
            }
            catch (Exception e)
            {
                throw ConnectorDescriber.StartFailed(lifecycle, e);
            }
        }
    }
}
