using Switchboard.Core.Outcomes;
using Switchboard.Abstractions;
using Switchboard.Core.Describing;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;

namespace Switchboard.Host.Catalog;

/// <summary>Takes a retired generation down: waits for its calls, stops its background work, unloads it and verifies the unload.</summary>
internal sealed class GenerationUnloader(CatalogOptions options, GenerationFiles files, ILogger logger)
{
    public async Task UnloadAsync(PluginGeneration generation)
    {
        try
        {
            await TakeDownAsync(generation);
        }
        finally
        {
            // After the unload, not before: code of the generation may load an assembly until it ends. (Also when the
            // unload failed: the generation serves no more.)
            files.Delete(generation.PluginName, generation.Number);
        }
    }

    private async Task TakeDownAsync(PluginGeneration generation)
    {
        try
        {
            await DrainAsync(generation);
            generation.Become(PluginState.Unloading);
            var startingLate = await StopAsync(generation);
            await DisposeConnectorsAsync(generation, startingLate);
            generation.Release();
            // A worker process ends with its generation: its connection closes and it exits (or is killed).
            if (generation.Worker is { } worker)
                await worker.DisposeAsync();
            var collected = await VerifyAsync(generation.ContextReference);
            files.Delete(generation.PluginName, generation.Number); // before the state says so
            if (collected)
            {
                generation.Become(PluginState.Unloaded);
                logger.LogInformation("Plugin {Plugin} generation {Generation} unloaded", generation.PluginName, generation.Number);
            }
            else
            {
                generation.Become(PluginState.Leaked,
                    $"still referenced {SecondsText.Of(options.UnloadTimeout)} after unloading (a thread, timer, static cache or event subscription keeps it alive)");
                logger.LogWarning("Plugin {Plugin} generation {Generation} leaked: {Reason}", generation.PluginName, generation.Number, generation.Reason);
            }
        }
        catch (Exception e)
        {
            generation.Become(PluginState.Leaked, $"unload failed: {e.Message}");
            logger.LogError(e, "Plugin {Plugin} generation {Generation} failed to unload", generation.PluginName, generation.Number);
        }
    }

    /// <summary>Looks again at a generation reported leaked, at <see cref="CatalogOptions.LateUnloadChecks"/>: true once it
    /// is collected after all, false when it is still referenced at the last look or <paramref name="stopping"/> fires.</summary>
    /// <remarks>Each look is one full collection (a few of them per leaked generation, over an hour), not the loop of
    /// the first verdict: what still holds it then is not the short-lived kind.</remarks>
    public async Task<bool> CollectedLateAsync(PluginGeneration generation, CancellationToken stopping)
    {
        foreach (var wait in options.LateUnloadChecks)
        {
            try
            {
                await Task.Delay(wait, stopping);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            await SharedCollections.CollectAsync();
            if (!generation.ContextReference.IsAlive)
                return true;
        }
        return false;
    }

    private async Task DrainAsync(PluginGeneration generation)
    {
        if (await Task.WhenAny(generation.Drained, Task.Delay(options.DrainTimeout)) == generation.Drained)
            return;
        generation.Explain($"{generation.InFlight} calls still running after {SecondsText.Of(options.DrainTimeout)}");
        logger.LogWarning("Plugin {Plugin} generation {Generation} is stuck draining: {Reason}", generation.PluginName, generation.Number, generation.Reason);
        await generation.Drained;
        generation.Explain(null);
    }

    // Stops the lifecycles that started. One whose start failed is not stopped; one whose start is still running (it
    // outlasted the load timeout and the generation was given up) is stopped once it finishes starting, since what it
    // started then (timers, threads, connections) would otherwise run on for good in a generation that never serves.
    // Answers those still starting, which their late stop disposes.
    private async Task<HashSet<object>> StopAsync(PluginGeneration generation)
    {
        var startingLate = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var (lifecycle, start) in generation.Starts.ToList())
        {
            if (!start.IsCompleted)
            {
                startingLate.Add(lifecycle);
                // Disposed only after that: stopped first, as everywhere else (see DisposeConnectorsAsync).
                _ = start.ContinueWith(async started =>
                {
                    if (started.IsCompletedSuccessfully)
                    {
                        logger.LogWarning("Plugin {Plugin} generation {Generation}: {Code} finished after its load was given up; stopping it",
                            generation.PluginName, generation.Number, $"{lifecycle.GetType().Name}.StartAsync");
                        await StopAsync(generation, lifecycle);
                    }
                    await DisposeAsync(generation, lifecycle);
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
                continue;
            }
            if (start.IsCompletedSuccessfully)
                await StopAsync(generation, lifecycle);
        }
        return startingLate;
    }

    private async Task StopAsync(PluginGeneration generation, IPluginLifecycle lifecycle)
    {
        // The plugin's own callbacks on this token may throw: its deadline survives them (see CallCancellation).
        using var timeout = new CancellationTokenSource();
        using var deadline = Invocation.CallCancellation.Deadline(timeout, options.StopTimeout);
        await RunPluginCodeAsync(generation, $"{lifecycle.GetType().Name}.StopAsync", () => lifecycle.StopAsync(timeout.Token));
    }

    // A lifecycle still starting is left to its late stop, which disposes it after stopping it (see StopAsync).
    private async Task DisposeConnectorsAsync(PluginGeneration generation, HashSet<object> startingLate)
    {
        foreach (var instance in generation.Connectors.Select(c => c.Instance).OfType<object>().Concat(generation.Lifecycles).Distinct())
        {
            if (!startingLate.Contains(instance))
                await DisposeAsync(generation, instance);
        }
    }

    private async Task DisposeAsync(PluginGeneration generation, object instance)
    {
        await RunPluginCodeAsync(generation, $"disposing {instance.GetType().Name}", () => ConnectorInstances.DisposeAsync(instance).AsTask());
    }

    /// <summary>Runs a lifecycle's stop or an instance's dispose on a thread of its own, waiting at most
    /// <see cref="CatalogOptions.StopTimeout"/>: code that blocks, synchronously or not, is left running and the unload goes on.
    /// Never throws; a failure or a timeout is logged naming the code.</summary>
    /// <remarks>The wait has a timer of its own, not the token the plugin code was given: callbacks on a token run newest
    /// first, so a plugin's callback that blocked kept the host's wait on the same token from ever ending.</remarks>
    private async Task RunPluginCodeAsync(PluginGeneration generation, string what, Func<Task> code)
    {
        try
        {
            await PluginThread.Run($"Switchboard unload {generation.PluginName}#{generation.Number}", code).WaitAsync(options.StopTimeout);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Plugin {Plugin} generation {Generation}: {Code} failed: it did not finish within {TimeoutSeconds} s; the unload goes on without it",
                generation.PluginName, generation.Number, what, options.StopTimeout.TotalSeconds);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Plugin {Plugin} generation {Generation}: {Code} failed", generation.PluginName, generation.Number, what);
        }
    }

    /// <summary>Collects until the context is gone or the timeout passes; scrubs framework caches that pin collectible types.</summary>
    private async Task<bool> VerifyAsync(WeakReference context)
    {
        var deadline = DateTime.UtcNow + options.UnloadTimeout;
        for (var round = 0; ; round++)
        {
            if (round < 3)
                Scrub(context);
            await SharedCollections.CollectAsync();
            if (!context.IsAlive)
                return true;
            if (DateTime.UtcNow >= deadline)
                return false;
            await Task.Delay(Math.Min(20 * (round + 1), 250));
        }
    }

    /// <summary>Kept out of line so no strong reference to the context outlives the call on this frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Scrub(WeakReference context)
    {
        if (context.Target is AssemblyLoadContext alc)
            TypeDescriptorCacheScrubber.Scrub(alc);
    }
}
