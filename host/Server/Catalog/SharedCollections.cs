namespace Switchboard.Host.Catalog;

/// <summary>The full garbage collections that unload checks ask for, shared between the checks running at once.</summary>
/// <remarks>
/// An unloaded generation is only gone once a full collection has found nothing referencing its load context, so each
/// check collects (collect, run finalizers, collect again) until its context is gone or its time is up. Each check used
/// to collect on its own: a deploy that replaced many plugins at once, or a burst of reloads, ran that many checks side
/// by side, each stopping every thread of the host for a full collection several times a second, and calls on every
/// protocol waited through all of them (a hundred reloads in a row once outlasted a call's 30 s timeout). Checks now
/// queue for one collection at a time, and one that began after a check asked serves that check too: the collections
/// the host makes no longer grow with the number of generations being unloaded at once.
/// </remarks>
internal static class SharedCollections
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);
    private static long _started;
    private static long _completed;
    private static readonly TimeSpan Gathering = TimeSpan.FromMilliseconds(10);

    /// <summary>Returns once a full collection begun after this call has completed (making one if none has).</summary>
    public static async Task CollectAsync()
    {
        var asked = Interlocked.Read(ref _started);
        await OneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            // Collections complete in the order they start: one completed past the count read above began after it.
            if (Interlocked.Read(ref _completed) > asked)
                return;
            // A moment for the checks asking at about the same time (a deploy retires its generations one after the
            // other, a few milliseconds apart) to queue up: counted as started only after it, this collection serves them.
            await Task.Delay(Gathering).ConfigureAwait(false);
            Interlocked.Increment(ref _started);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Interlocked.Increment(ref _completed);
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
