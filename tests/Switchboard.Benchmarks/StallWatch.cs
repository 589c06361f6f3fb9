using System.Diagnostics;

namespace Switchboard.Benchmarks;

/// <summary>A thread that sleeps a millisecond at a time and notes each time it woke more than 4 ms late.</summary>
/// <remarks>
/// It tells the machine's stalls from the worker's: on the development machine (a 2-core virtual machine) every process
/// is held up for 5–16 ms a few times a second, with the cores partly idle; an independent process sleeping the same way
/// is held up at the same moments. Jobs pushed just before such a stall wait it out, already activated, and the jobs
/// due during it arrive at once afterwards.
/// </remarks>
internal static class StallWatch
{
    private static readonly TimeSpan Late = TimeSpan.FromMilliseconds(4);
    private static readonly List<(long At, TimeSpan Gap)> Stalls = [];
    private static readonly Lazy<Thread> Watcher = new(() =>
    {
        var thread = new Thread(Watch) { IsBackground = true, Priority = ThreadPriority.Highest, Name = "stall watch" };
        thread.Start();
        return thread;
    });

    /// <summary>Starts watching, once per process.</summary>
    public static void Start() => _ = Watcher.Value;

    /// <summary>How many stalls began between two <see cref="Stopwatch"/> timestamps, and the longest of them in milliseconds.</summary>
    public static (int Count, double LongestMilliseconds) Between(long from, long to)
    {
        lock (Stalls)
        {
            var within = Stalls.Where(s => s.At >= from && s.At <= to).ToList();
            return (within.Count, within.Select(s => s.Gap.TotalMilliseconds).DefaultIfEmpty().Max());
        }
    }

    private static void Watch()
    {
        var last = Stopwatch.GetTimestamp();
        while (true)
        {
            Thread.Sleep(1);
            var now = Stopwatch.GetTimestamp();
            // A sleep of 1 ms takes a little over 1 ms when nothing holds the thread up.
            var late = Stopwatch.GetElapsedTime(last, now) - TimeSpan.FromMilliseconds(1);
            if (late > Late)
                lock (Stalls)
                    Stalls.Add((last, late));
            last = now;
        }
    }
}
