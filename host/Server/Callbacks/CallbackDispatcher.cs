using System.Collections.Concurrent;
using System.Threading.Channels;
using Polly.Timeout;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Invocation;

namespace Switchboard.Host.Callbacks;

/// <summary>Runs one protocol's accepted asynchronous calls and delivers each outcome to its callback: one queue,
/// limits, accounting and shutdown drain for every protocol that calls back; the protocol only writes and sends its answer.</summary>
/// <remarks>
/// The queue is bounded (<see cref="CallbackLimits.MaxPendingCalls"/>) and at most <see cref="CallbackLimits.MaxConcurrentCalls"/>
/// calls run at once. A delivery leaves its run slot at once, so a slow receiver delays only its own callback. When the
/// host starts stopping, every protocol's dispatcher stops accepting calls at once; pending ones get
/// <see cref="CallbackLimits.DrainTimeout"/> to finish and deliver, then they are cancelled and their callbacks say the
/// host shut down, within <see cref="CallbackLimits.FinalDeliveryTimeout"/>; what is left when the host's shutdown timeout
/// fires is cancelled then. Every callback that cannot be delivered is logged and counted as lost.
/// </remarks>
internal abstract class CallbackDispatcher<TCall> : BackgroundService, IHostedLifecycleService where TCall : class, IAsyncCall
{
    private readonly InvocationPipeline _pipeline;
    private readonly CallbackLimits _limits;
    private readonly Protocol _protocol;
    private readonly Channel<TCall> _queue;
    private readonly CancellationTokenSource _cancelCalls = new();
    private readonly CancellationTokenSource _cancelDeliveries = new();
    private readonly ConcurrentDictionary<Task, bool> _deliveries = new();
    private readonly object _drainLock = new();
    private Task? _drain;
    private volatile bool _stopping;
    private int _pending;
    private long _pendingBytes;

    protected CallbackDispatcher(InvocationPipeline pipeline, CallbackMetrics metrics, CallbackLimits limits, Protocol protocol, ILogger logger)
    {
        _pipeline = pipeline;
        Metrics = metrics;
        _limits = limits;
        _protocol = protocol;
        Logger = logger;
        // Bounded by _pending, which counts calls from acceptance to the end of their delivery, not only those waiting.
        _queue = Channel.CreateUnbounded<TCall>(new UnboundedChannelOptions { SingleReader = false });
    }

    protected CallbackMetrics Metrics { get; }

    protected ILogger Logger { get; }

    /// <summary>Queues <paramref name="call"/>; false with the reason when the host is stopping, or too many calls, or
    /// calls holding too many bytes of requests, are pending.</summary>
    public bool TryAccept(TCall call, out string refusal)
    {
        var pending = Interlocked.Increment(ref _pending);
        var bytes = Interlocked.Add(ref _pendingBytes, call.RequestBytes);
        // A call larger than the whole allowance is still taken when nothing else is pending, so it can run at all.
        var bytesAllowed = bytes <= _limits.MaxPendingBytes || pending == 1;
        if (pending <= _limits.MaxPendingCalls && bytesAllowed)
        {
            Metrics.Accepted();
            if (_queue.Writer.TryWrite(call))
            {
                refusal = "";
                return true;
            }
            Metrics.Refused();
        }
        Interlocked.Decrement(ref _pending);
        Interlocked.Add(ref _pendingBytes, -call.RequestBytes);
        refusal = _stopping
            ? "the host is shutting down and accepts no asynchronous calls; retry on another instance"
            : bytesAllowed
                ? $"too many asynchronous calls are pending ({_limits.MaxPendingCalls}); retry later"
                : $"the asynchronous calls pending hold too many bytes of requests ({_limits.MaxPendingBytes} at most, this call {call.RequestBytes}); retry later";
        return false;
    }

    /// <summary>Writes the protocol's answer for <paramref name="outcome"/> and sends it, saying what became of it; an
    /// exception counts as a lost callback.</summary>
    protected abstract Task<Delivery> DeliverAsync(TCall call, Outcome outcome, CancellationToken cancellationToken);

    /// <summary>Logs a callback that was given up on, naming the call, its target and <paramref name="reason"/>.</summary>
    protected abstract void LogLost(TCall call, string reason, Exception? exception);

    /// <summary>What became of one callback. The dispatcher counts it only after the call stops being pending, so the
    /// accounting never shows a callback both lost (or delivered) and still pending.</summary>
    protected readonly record struct Delivery(bool Delivered, string? LostReason)
    {
        public static Delivery Done => new(true, null);

        /// <summary>The receiver no longer wants the answer (not lost, not delivered).</summary>
        public static Delivery NotWanted => new(false, null);

        public static Delivery Lost(string reason) => new(false, reason);
    }

    /// <summary>A failure to deliver, as one short reason.</summary>
    public static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException => "the attempt timed out",
        OperationCanceledException => "the host stopped before delivery",
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } h => $"{h.HttpRequestError}: {h.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    // Deliberately not stoppingToken: at shutdown the queue is drained (see StopAsync), not abandoned.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(_queue.Reader.ReadAllAsync(CancellationToken.None),
            new ParallelOptions { MaxDegreeOfParallelism = _limits.MaxConcurrentCalls },
            async (call, _) => await RunAsync(call));

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The host calls this on every service before it stops any. Each protocol's drain starts here, side by side with the
    // others': started from StopAsync, one protocol's began only after the other's had ended, and the two together
    // outlasted the host's shutdown timeout.
    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        return Task.CompletedTask;
    }

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Waits for the drain (begun when the host started stopping) until <paramref name="cancellationToken"/>,
    /// the host's shutdown timeout, fires: then what still runs or delivers is cancelled at once and its callback is lost.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BeginDrain().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Logger.LogError("Shutdown timeout reached with {Pending} asynchronous {Protocol} calls pending; they are cancelled and their callbacks are lost",
                Metrics.Pending, _protocol);
            // Not awaited: the calls' cancellation runs their plugins' callbacks, which may block (see CancelCalls).
            CancelCalls();
            _ = _cancelDeliveries.CancelAsync();
        }
        await base.StopAsync(cancellationToken);
    }

    // Cancels the calls still running from the pool, without waiting: their plugin code's callbacks on its token run
    // there, and one that blocked (a client library closing a connection synchronously) held the drain, the callbacks'
    // final delivery and the host's stop for as long as it blocked.
    private void CancelCalls() => _ = _cancelCalls.CancelAsync();

    private Task BeginDrain()
    {
        lock (_drainLock)
            return _drain ??= DrainAsync();
    }

    // No new call is accepted; pending ones get DrainTimeout to finish and deliver, then they are cancelled and their
    // callbacks get FinalDeliveryTimeout.
    private async Task DrainAsync()
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        var drained = DrainedAsync();
        if (Metrics.Pending > 0)
            Logger.LogInformation("Finishing {Pending} asynchronous {Protocol} calls before shutdown", Metrics.Pending, _protocol);
        if (await FinishesWithin(drained, _limits.DrainTimeout, CancellationToken.None))
            return;
        Logger.LogWarning("{Pending} asynchronous {Protocol} calls did not finish within {DrainSeconds} s of shutdown; cancelling them and calling back with an error",
            Metrics.Pending, _protocol, _limits.DrainTimeout.TotalSeconds);
        try
        {
            CancelCalls();
            _cancelDeliveries.CancelAfter(_limits.FinalDeliveryTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The host stopped at its shutdown timeout meanwhile and disposed the dispatcher: everything is cancelled.
            return;
        }
        if (!await FinishesWithin(drained, _limits.FinalDeliveryTimeout + TimeSpan.FromSeconds(1), CancellationToken.None))
            Logger.LogError("{Pending} asynchronous {Protocol} calls were still pending when the host stopped; their callbacks are lost",
                Metrics.Pending, _protocol);
    }

    public override void Dispose()
    {
        base.Dispose();
        _cancelCalls.Dispose();
        _cancelDeliveries.Dispose();
    }

    // Runs end first (no delivery starts after the last run), then their deliveries.
    private async Task DrainedAsync()
    {
        await (ExecuteTask ?? Task.CompletedTask);
        await Task.WhenAll(_deliveries.Keys);
    }

    private async Task RunAsync(TCall call)
    {
        Outcome outcome;
        try
        {
            if (_cancelCalls.IsCancellationRequested)
            {
                call.Prepared.Dispose();
                outcome = ShutDown("the host shut down before the call ran");
            }
            else
                outcome = await _pipeline.InvokeAsync(call.Prepared, _cancelCalls.Token);
            if (outcome.Error is { Kind: ErrorKind.Cancelled } && _cancelCalls.IsCancellationRequested)
                outcome = ShutDown("the host shut down while the call ran");
        }
        catch (Exception e)
        {
            // Nothing may escape: one failure must not stop the loop that serves every other call.
            Settle(call, Delivery.Lost(Describe(e)), e);
            return;
        }
        var delivery = DeliverInBackgroundAsync(call, outcome);
        _deliveries.TryAdd(delivery, true);
        _ = delivery.ContinueWith(t => _deliveries.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task DeliverInBackgroundAsync(TCall call, Outcome outcome)
    {
        await Task.Yield(); // never completes before it is tracked
        Delivery delivery;
        Exception? failure = null;
        try
        {
            delivery = await DeliverAsync(call, outcome, _cancelDeliveries.Token);
        }
        catch (Exception e)
        {
            delivery = Delivery.Lost(Describe(e));
            failure = e is HttpRequestException or TimeoutRejectedException or OperationCanceledException ? null : e;
        }
        Settle(call, delivery, failure);
    }

    private void Settle(TCall call, Delivery delivery, Exception? failure)
    {
        Interlocked.Add(ref _pendingBytes, -call.RequestBytes);
        Interlocked.Decrement(ref _pending);
        Metrics.Finished();
        if (delivery.Delivered)
            Metrics.Delivered();
        else if (delivery.LostReason is { } reason)
        {
            Metrics.LostOne();
            LogLost(call, reason, failure);
        }
    }

    private static Outcome ShutDown(string message) =>
        Outcome.Failure(new InvocationError(ErrorKind.Cancelled, "Cancelled", message, Retryable: true));

    private static async Task<bool> FinishesWithin(Task task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
