namespace Switchboard.Host.Invocation;

/// <summary>Starts plugin code that hands back a task (an inbound connector's poll, subscription run or webhook check)
/// on a pool thread, never beneath the code that waits for it, counted by <see cref="BlockedThreadCompensator"/> as an
/// outbound call's is.</summary>
/// <remarks>The awaiting code can then put a time limit on the task even when the plugin blocks synchronously before
/// returning it (a limit cannot hold for a call that never returns its task), and the pool is given a thread back for
/// each thread such code holds. Outbound calls do the same in <see cref="ConnectorRun"/>, without the allocations.</remarks>
internal static class PluginCodeStart
{
    /// <summary>Runs <paramref name="code"/> on the pool; the task ends as the task it returns ends. A null task fails it.</summary>
    public static Task<T> Run<T>(Func<Task<T>> code)
    {
        BlockedThreadCompensator.Shared.Queued();
        // The caller's execution context flows, its plugin's load context (as contextual reflection context) with it.
        return Task.Run(() =>
        {
            // The code's awaits come back marked as plugin code too (see PluginCodeContext).
            using (BlockedThreadCompensator.Shared.Enter())
            using (PluginCodeContext.Install())
                return code() ?? throw new InvalidOperationException("the connector returned no task (null)");
        });
    }

    /// <inheritdoc cref="Run{T}"/>
    public static Task Run(Func<Task> code) => Run(async () =>
    {
        await (code() ?? throw new InvalidOperationException("the connector returned no task (null)"));
        return true;
    });
}
