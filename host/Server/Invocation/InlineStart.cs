namespace Switchboard.Host.Invocation;

/// <summary>Lets a call's plugin code start on its adapter's own thread instead of being handed to the thread pool.</summary>
/// <remarks>
/// <para>
/// Handing plugin code to the pool costs each call a queued work item and, often, a thread woken for it: about a tenth
/// of a CSP call's throughput on two cores. The hand-over exists so that a connector blocking its thread cannot hold up
/// the answer to its own timeout. An adapter that answers from whichever thread the outcome arrives on keeps that
/// promise without it: it passes one of these to <see cref="InvocationPipeline.InvokeAsync(Invocation, CancellationToken, InlineStart?)"/>,
/// starts awaiting the returned task (the code that writes its answer), and only then calls <see cref="Run"/>. A call
/// whose plugin code returns on time is answered on this thread with no hand-over; one whose plugin code blocks past its
/// deadline is answered by the deadline's thread while this one stays in the plugin code.
/// </para>
/// <para>
/// Plugin code the pipeline reaches only after <see cref="Run"/> (a call that waited for a concurrency slot) goes to the
/// pool as it always did. One instance serves one call.
/// </para>
/// </remarks>
public sealed class InlineStart
{
    // Put in place by Run: plugin code reaching the pipeline after it must not wait for a Run that has passed.
    private static readonly IThreadPoolWorkItem Closed = new Passed();

    private IThreadPoolWorkItem? _deferred;
    private int _holder;

    /// <summary>Whether the thread that called <see cref="Run"/> is still in the call's plugin code while another thread
    /// asks: an answer written now cannot free the request's thread, so an HTTP/1.1 answer should close its connection
    /// (the next request on it would wait for the plugin code).</summary>
    public bool HeldElsewhere => Volatile.Read(ref _holder) is var holder && holder != 0 && holder != Environment.CurrentManagedThreadId;

    /// <summary>Leaves <paramref name="run"/> for <see cref="Run"/>; false once <see cref="Run"/> has passed, when the caller queues it on the pool.</summary>
    internal bool TryDefer(IThreadPoolWorkItem run) => Interlocked.CompareExchange(ref _deferred, run, null) is null;

    /// <summary>Runs the plugin code the pipeline left here, if any, on this thread. Call it once, after starting to await
    /// the pipeline's task, and on every path that called the pipeline: a call left here runs nowhere else.</summary>
    public void Run()
    {
        var run = Interlocked.Exchange(ref _deferred, Closed);
        if (run is null || ReferenceEquals(run, Closed))
            return;
        Volatile.Write(ref _holder, Environment.CurrentManagedThreadId);
        try
        {
            run.Execute();
        }
        finally
        {
            Volatile.Write(ref _holder, 0);
        }
    }

    private sealed class Passed : IThreadPoolWorkItem
    {
        public void Execute()
        {
        }
    }
}
