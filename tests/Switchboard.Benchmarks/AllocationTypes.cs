using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Switchboard.Benchmarks;

/// <summary>Which types a call allocates most, sampled by the runtime's own allocation ticks (one event per ~100 KB
/// allocated, naming the type that crossed the mark): where to look first when cutting allocations.</summary>
internal sealed class AllocationTypes : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private long _total;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName != "GCAllocationTick_V4" || e.Payload is null)
            return;
        var name = e.PayloadNames!.IndexOf("TypeName") is var i and >= 0 ? e.Payload[i] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var j and >= 0 ? Convert.ToInt64(e.Payload[j]) : 100_000;
        _bytes.AddOrUpdate(name, amount, (_, v) => v + amount);
        Interlocked.Add(ref _total, amount);
    }

    /// <summary>Runs <paramref name="call"/> <paramref name="count"/> times and prints the sampled types, most bytes first.</summary>
    public static async Task RunAsync(string what, int count, Func<Task> call)
    {
        for (var i = 0; i < 2000; i++)
            await call();
        using var listener = new AllocationTypes();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < count; i++)
            await call();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"{what}: {allocated / (double)count:0} bytes allocated per call (all threads, {count} calls); sampled types:");
        foreach (var (type, bytes) in listener._bytes.OrderByDescending(p => p.Value).Take(25))
            Console.WriteLine($"  {100.0 * bytes / Math.Max(1, listener._total),5:0.0}%  {type}");
    }
}
