using System.Diagnostics;

namespace Switchboard.Host.Invocation;

/// <summary>Gives the thread pool a thread back for every pool thread that plugin code has blocked for a while.</summary>
/// <remarks>
/// Plugin code starts on the shared thread pool, which also runs Kestrel, gRPC and every timeout. A connector that
/// blocks (<c>Thread.Sleep</c>, a synchronous socket read) holds a pool thread the pool does not know is lost, and
/// the pool adds threads only slowly, so a burst of blocked calls starves every protocol for tens of seconds. The
/// pool raises its own minimum for the waits it can see (<c>Task.Wait</c>); this does the same for plugin code it
/// cannot see: a watcher thread of its own counts calls whose synchronous part has run past
/// <see cref="BlockedAfter"/> and, while there are any, keeps the pool's minimum that many threads above where it
/// started plus as many again and one for every call still waiting for a thread (a burst of blocking calls queued
/// ahead of the protocols' own work would otherwise be given threads one by one). Per-connector concurrency limits bound how
/// many threads one connector can hold this way.
/// </remarks>
internal sealed class BlockedThreadCompensator
{
    /// <summary>How long plugin code may hold its thread before it counts as blocked.</summary>
    public static readonly TimeSpan BlockedAfter = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(50);

    // One second of checks without plugin code.
    private const int StopAfterIdleChecks = 20;

    /// <summary>The one instance: the thread pool it adjusts is the process's.</summary>
    public static BlockedThreadCompensator Shared { get; } = new();

    // Each pool thread that runs plugin code has a slot holding when its current stretch started (0: none), so marking a
    // call costs no allocation and no shared lock; the watcher reads every thread's slot.
    private readonly ThreadLocal<Slot> _slots = new(() => new Slot(), trackAllValues: true);
    private readonly int _baseWorkers;
    private readonly int _baseIo;
    private int _waiting;
    private int _started;
    private int _compensating;

    internal BlockedThreadCompensator() => ThreadPool.GetMinThreads(out _baseWorkers, out _baseIo);

    /// <summary>Whether the watcher thread runs: from the first queued call until no plugin code runs or waits.</summary>
    public bool Watching => Volatile.Read(ref _started) == 1;

    /// <summary>Threads currently added to the pool's minimum for blocked plugin code.</summary>
    public int Compensating => Volatile.Read(ref _compensating);

    /// <summary>Marks a call handed to the pool whose plugin code has not started yet; <see cref="Enter"/> ends the wait.</summary>
    public void Queued()
    {
        // Counted before the watcher check, so a watcher about to stop sees this call and stays (see Watch).
        Interlocked.Increment(ref _waiting);
        // Started without the caller's execution context: a call's flow holds its plugin's load context as the
        // contextual reflection context, and a thread started from it would keep that generation loaded for as long as
        // the watcher runs (which, on a busy host, outlives any reload).
        if (Interlocked.Exchange(ref _started, 1) == 0)
            new Thread(Watch) { IsBackground = true, Name = "Switchboard blocked-thread watcher" }.UnsafeStart();
    }

    /// <summary>Marks the start of plugin code on the current pool thread (after <see cref="Queued"/>); dispose the result when it returns.</summary>
    public Scope Enter()
    {
        Interlocked.Decrement(ref _waiting);
        var slot = _slots.Value!;
        // Plugin code that reaches more plugin code on the same thread keeps the outer stretch's start.
        if (Volatile.Read(ref slot.Started) != 0)
            return new Scope(null);
        Volatile.Write(ref slot.Started, Stopwatch.GetTimestamp());
        return new Scope(slot);
    }

    private bool AnyRunning()
    {
        foreach (var slot in _slots.Values)
            if (Volatile.Read(ref slot.Started) != 0)
                return true;
        return false;
    }

    private void Watch()
    {
        var idleChecks = 0;
        while (true)
        {
            Thread.Sleep(CheckEvery);
            // An idle host needs no watcher waking 20 times a second: stop when no plugin code has run or waited for a
            // second and nothing is compensated, unless a call was queued meanwhile (then this watcher carries on, or a
            // new one has started). Not at the first idle check: a busy host is idle between calls, and would start a
            // thread every few checks.
            if (!AnyRunning() && Volatile.Read(ref _waiting) <= 0 && Volatile.Read(ref _compensating) == 0)
            {
                if (++idleChecks < StopAfterIdleChecks)
                    continue;
                Volatile.Write(ref _started, 0);
                if ((!AnyRunning() && Volatile.Read(ref _waiting) <= 0) || Interlocked.CompareExchange(ref _started, 1, 0) != 0)
                    return;
            }
            idleChecks = 0;
            var blocked = 0;
            foreach (var slot in _slots.Values)
                if (Volatile.Read(ref slot.Started) is var started and not 0 && Stopwatch.GetElapsedTime(started) >= BlockedAfter)
                    blocked++;
            // Twice the blocked count: the requests still to reach the pipeline wait for pool threads too, and a burst
            // of blocking calls is then met in a few checks (2, 4, 8, ... threads) rather than one thread per check.
            var extra = blocked == 0 ? 0 : 2 * blocked + Math.Max(0, Volatile.Read(ref _waiting));
            if (extra == _compensating)
                continue;
            if (ThreadPool.SetMinThreads(_baseWorkers + extra, _baseIo))
                Volatile.Write(ref _compensating, extra);
        }
    }

    /// <summary>One call's synchronous stretch of plugin code.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Slot? _slot;

        internal Scope(Slot? slot) => _slot = slot;

        public void Dispose()
        {
            if (_slot is not null)
                Volatile.Write(ref _slot.Started, 0);
        }
    }

    /// <summary>A pool thread's mark: when its current stretch of plugin code started, as a <see cref="Stopwatch"/> timestamp; 0 when none runs.</summary>
    internal sealed class Slot
    {
        public long Started;
    }
}
