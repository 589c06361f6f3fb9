using System.Threading.Channels;
using Grpc.Core;
using Switchboard.Core.Metadata;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Activates and runs the jobs of one connector type: long polling with a capacity of <see cref="ZeebeOptions.MaxJobsActive"/>, refilled at 30 %.</summary>
internal sealed class JobWorker : IAsyncDisposable
{
    private readonly Gateway.Gateway.GatewayClient _gateway;
    private readonly JobHandler _handler;
    private readonly ZeebeOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _polling = new();
    private readonly CancellationTokenSource _abort = new();
    // Cancelled when the host's shutdown timeout ends the drain early; never disposed, so a late cut cannot throw.
    private readonly CancellationTokenSource _drainCut = new();
    private readonly Lazy<Task> _disposal;
    private readonly JobCapacity _capacity;

    // Written whenever a polled job finishes. A poller short of room waits for it instead of the poll interval: as the Java
    // client does, it polls again as soon as finished jobs free enough room, so a fast connector is not held to one
    // round of jobs per interval. A signal left over from an earlier finish only costs one more look at the room.
    private readonly Channel<bool> _freed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Jobs started and not yet reported. Shutdown waits for it to reach zero (through _drained), up to the drain timeout.
    private int _unreported;
    private TaskCompletionSource? _drained;

    // Empty polls while the stream delivers wait 50 ms growing to 5 s (the Java client's backoff), not the poll interval.
    private readonly ErrorBackoff _emptyPolls = new();
    private bool _streamDelivering;

    // Whether the stream has nothing buffered (its next read waits for the gateway) or is closed. Then the jobs left are
    // those the gateway gave back to polls, so a streamed job's end wakes the poller too: otherwise, after the stream
    // was full, those jobs would wait up to a poll interval while slots stand free.
    private bool _streamIdle = true;

    // Written whenever the stream has a job to hand over and no room for it. The gateway may then find the stream full
    // and give the jobs it creates meanwhile back to polls, which can take them only if the poller is not pausing: a
    // pause between polls ends when this is written. A signal left over from earlier only costs one more poll.
    private readonly Channel<bool> _heldBack = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // The clock of the pauses between polls and after errors.
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private readonly Task _stream;
    private readonly Action? _tokenRefused;
    private readonly IHostJob? _hostJob;

    /// <param name="capacity">The type's room for running jobs, shared with a worker of the type still draining; none
    /// makes room of its own.</param>
    public JobWorker(ConnectorMetadata connector, Gateway.Gateway.GatewayClient gateway, JobHandler handler, ZeebeOptions options, ILogger logger,
        TimeProvider time, Action? tokenRefused = null, JobCapacity? capacity = null)
        : this(connector.Type, FetchVariablesOf(connector, options), null, gateway, handler, options, logger, time, tokenRefused, capacity)
    {
    }

    /// <summary>The variables a worker for <paramref name="connector"/> asks for: only those its input declares (an
    /// operation's inputs all count, whichever is chosen), or all of them (empty) with <c>FetchAllVariables</c>.</summary>
    public static IReadOnlyList<string> FetchVariablesOf(ConnectorMetadata connector, ZeebeOptions options) =>
        options.FetchAllVariables ? [] : connector.Operations.SelectMany(o => o.Input).Select(p => p.Id).Distinct().ToList();

    /// <summary>A worker for a job type the host serves itself; its jobs see all their variables.</summary>
    public JobWorker(IHostJob hostJob, Gateway.Gateway.GatewayClient gateway, JobHandler handler, ZeebeOptions options, ILogger logger, TimeProvider time,
        Action? tokenRefused = null)
        : this(hostJob.Type, [], hostJob, gateway, handler, options, logger, time, tokenRefused, null)
    {
    }

    private JobWorker(string type, IReadOnlyList<string> fetchVariables, IHostJob? hostJob, Gateway.Gateway.GatewayClient gateway, JobHandler handler,
        ZeebeOptions options, ILogger logger, TimeProvider time, Action? tokenRefused, JobCapacity? capacity)
    {
        _tokenRefused = tokenRefused;
        _time = time;
        Type = type;
        FetchVariables = fetchVariables;
        _hostJob = hostJob;
        _gateway = gateway;
        _handler = handler;
        _options = options;
        _logger = logger;
        _capacity = capacity ?? new JobCapacity(options.MaxJobsActive);
        // From now on the jobs a draining worker of this type ends wake this one, which takes their room.
        _capacity.Own(() => _freed.Writer.TryWrite(true));
        _state = new Telemetry.ZeebeWorkerState(type, "polling");
        _disposal = new(CloseAsync);
        _loop = options.Polling ? Task.Run(PollAsync) : Task.CompletedTask;
        _stream = options.Streaming ? Task.Run(StreamAsync) : Task.CompletedTask;
    }

    /// <summary>The job type served: the connector type.</summary>
    public string Type { get; }

    /// <summary>The variable names asked for on activation; empty asks for all.</summary>
    public IReadOnlyList<string> FetchVariables { get; }

    /// <summary>Jobs this worker runs now (its type's room may also be held by a worker of the type still draining).</summary>
    public int Active => Volatile.Read(ref _unreported);

    /// <summary>The last poll failure, or null while polling works.</summary>
    public string? LastError
    {
        get => _lastError;
        private set
        {
            _lastError = value;
            _state.Set(value is null ? "polling" : "retrying");
        }
    }

    private string? _lastError;
    private readonly Telemetry.ZeebeWorkerState _state;

    private Task PollAsync() => KeepGoingAsync("Activating jobs", PollOnceAsync, streaming: false);

    // The gateway pushes jobs as they appear; reading only when there is room holds it back through HTTP/2 flow control.
    private Task StreamAsync() => KeepGoingAsync("The job stream", StreamOnceAsync, streaming: true);

    // How long a stream must have stayed open to count as working: its errors then start again from the shortest
    // backoff (a stream that failed after every job it delivered was reopened every 50 ms, with a warning each time),
    // and without polling it clears the worker's last error (nothing else would: the health stayed degraded for good).
    private static readonly TimeSpan SteadyStream = TimeSpan.FromSeconds(1);

    // How long a stopping worker waits, after aborting them, for reports that ignore the abort.
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(5);

    private async Task PollOnceAsync(ErrorBackoff backoff)
    {
        // Poll again once at least 30 % of the capacity is free, as the official clients do.
        var free = _capacity.Free;
        if (WaitsForRoom(free))
        {
            // While the stream has jobs buffered their ends do not wake the poller (see Start): look again each poll interval.
            await SignalOrTimeAsync(_freed.Reader, _options.Streaming ? _options.PollInterval : null);
            return;
        }
        var activated = await ActivateAsync(free);
        LastError = null;
        backoff.Reset();
        if (activated > 0)
        {
            _emptyPolls.Reset();
            return;
        }
        // While a stream delivers, polling only backfills jobs the stream was not offered (those waiting before it
        // opened, pushes that failed): as in the Java client, empty polls then back off instead of repeating every
        // poll interval, so a busy stream is not joined by a poll per interval and type.
        await PauseAsync(Volatile.Read(ref _streamDelivering) ? _emptyPolls.Next() : _options.PollInterval);
    }

    private bool WaitsForRoom(int free) => free < Math.Max(1, (int)Math.Ceiling(_options.MaxJobsActive * 0.3));

    // Whether the stream's failures and successes speak for the worker's health: where it is all there is, or while the
    // poller waits for room. A worker whose every slot held a running job said "connected" for as long as they ran, with
    // the gateway gone.
    private bool StreamSpeaks => !_options.Polling || WaitsForRoom(_capacity.Free);

    // The pause after an empty poll, up to 5 s while the stream delivers. It ends early when the stream is held back:
    // the jobs the gateway then gives back to polls would otherwise wait out the rest of it while slots come free.
    private async Task PauseAsync(TimeSpan pause)
    {
        if (!_options.Streaming)
            await Task.Delay(pause, _time, _polling.Token);
        else if (await SignalOrTimeAsync(_heldBack.Reader, pause))
            _emptyPolls.Reset();
    }

    // The poller's one way to wait: for a signal (taken when it comes) or for the time given to pass, whichever is
    // first; with no time given, for the signal alone. Throws only when the worker closes.
    private async Task<bool> SignalOrTimeAsync(ChannelReader<bool> signal, TimeSpan? within)
    {
        using var over = CancellationTokenSource.CreateLinkedTokenSource(_polling.Token);
        Task signalled = signal.WaitToReadAsync(over.Token).AsTask();
        await Task.WhenAny(signalled, within is { } time ? Task.Delay(time, _time, over.Token) : Task.Delay(Timeout.Infinite, over.Token));
        // Ends whichever still waits; neither is awaited, so neither throws.
        over.Cancel();
        _polling.Token.ThrowIfCancellationRequested();
        return signal.TryRead(out _);
    }

    private async Task StreamOnceAsync(ErrorBackoff backoff)
    {
        var request = new StreamActivatedJobsRequest { Type = Type, Worker = _options.WorkerName, Timeout = (long)_options.JobTimeout.TotalMilliseconds };
        request.FetchVariable.AddRange(FetchVariables);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(_polling.Token);
        _polling.Token.ThrowIfCancellationRequested(); // as for a poll (see ActivateAsync)
        var call = _gateway.StreamActivatedJobs(request, cancellationToken: _polling.Token);
        _ = SteadyAsync(backoff, open.Token);
        using (call)
        {
            try
            {
                var responses = call.ResponseStream;
                while (true)
                {
                    var next = responses.MoveNext(_polling.Token);
                    if (!next.IsCompleted)
                    {
                        Volatile.Write(ref _streamIdle, true);
                        _freed.Writer.TryWrite(true); // a job that ended just before this would not have woken the poller
                    }
                    var more = await next;
                    Volatile.Write(ref _streamIdle, false);
                    if (!more)
                        break;
                    Volatile.Write(ref _streamDelivering, true);
                    var room = _capacity.WaitAsync(_polling.Token); // closing: a job received but not started is left to its Zeebe timeout
                    if (!room.IsCompleted)
                        _heldBack.Writer.TryWrite(true);
                    await room;
                    Start(responses.Current, streamed: true);
                }
            }
            finally
            {
                open.Cancel();
                Volatile.Write(ref _streamDelivering, false);
                Volatile.Write(ref _streamIdle, true);
                _emptyPolls.Reset();
            }
        }
        // The gateway closed the stream: open a new one, but not in a tight loop.
        await Task.Delay(backoff.Next(), _time, _polling.Token);
    }

    private async Task SteadyAsync(ErrorBackoff backoff, CancellationToken open)
    {
        try
        {
            await Task.Delay(SteadyStream, _time, open);
        }
        catch (OperationCanceledException)
        {
            return; // the stream ended first
        }
        backoff.Reset();
        if (StreamSpeaks)
            LastError = null;
    }

    // One loop shape for polling and streaming: repeat until the worker closes, and back off after a failed call.
    private async Task KeepGoingAsync(string activity, Func<ErrorBackoff, Task> attempt, bool streaming)
    {
        var backoff = new ErrorBackoff();
        string? repeated = null;
        while (!_polling.IsCancellationRequested)
        {
            try
            {
                await attempt(backoff);
            }
            catch (Exception e) when (_polling.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                break;
            }
            catch (RpcException e) when (streaming && e.StatusCode == StatusCode.Unimplemented && _options.Polling)
            {
                // A gateway before Zeebe 8.3 has no job streams: that will not change while it runs, so polling alone
                // serves, said once, instead of a warning and a flip of the health every few seconds.
                _logger.LogWarning("The Zeebe gateway does not offer job streaming (a gateway before 8.3?): {Connector} jobs via {Protocol} are polled only",
                    Type, "Zeebe");
                return;
            }
            catch (RpcException e)
            {
                if (e.StatusCode == StatusCode.Unauthenticated)
                    _tokenRefused?.Invoke();
                var error = GatewayErrorText.Of(e);
                // The client's own refusal of a message over its limit reads as RESOURCE_EXHAUSTED too, but it is no
                // backpressure: the jobs in that answer are lost to their timeout, again and again, until the limit moves.
                var tooLarge = GatewayErrorText.IsMessageTooLarge(e);
                if (tooLarge)
                    error += $" (a job larger than Switchboard:Zeebe:MaxMessageSize, {_options.MaxMessageSize} bytes: raise it to the cluster's maxMessageSize)";
                // RESOURCE_EXHAUSTED is the broker's backpressure: wait like any error, without alarm.
                var level = e.StatusCode == StatusCode.ResourceExhausted && !tooLarge ? LogLevel.Debug : LogLevel.Warning;
                await FailedAsync(activity, error, error == repeated ? LogLevel.Debug : level, null, streaming, backoff);
                repeated = error;
                continue;
            }
            catch (Exception e) when (!_polling.IsCancellationRequested)
            {
                // Only the gateway's errors are known to come here; anything else is the host's own fault. Ending the loop
                // on it would stop this job type for good while the health said connected: say it, and try again.
                var error = $"the host failed ({e.GetType().Name})";
                await FailedAsync(activity, error, error == repeated ? LogLevel.Debug : LogLevel.Error, e, streaming, backoff);
                repeated = error;
                continue;
            }
            repeated = null;
        }
    }

    // One failed attempt: the worker's health, one log line (the same failure again and again is said once, then at
    // Debug until something else happens) and the backoff before the next attempt.
    private async Task FailedAsync(string activity, string error, LogLevel level, Exception? exception, bool streaming, ErrorBackoff backoff)
    {
        // The worker's health follows its polls; a failing stream speaks for it where it is all there is, or while the
        // poller waits for room.
        if (!streaming || StreamSpeaks)
            LastError = error;
        _logger.Log(level, exception, "{Activity} for {Connector} via {Protocol} failed: {Error}", activity, Type, "Zeebe", error);
        await Task.Delay(backoff.Next(), _time, _polling.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task<int> ActivateAsync(int room)
    {
        var request = new ActivateJobsRequest
        {
            Type = Type,
            Worker = _options.WorkerName,
            Timeout = (long)_options.JobTimeout.TotalMilliseconds,
            MaxJobsToActivate = room,
            RequestTimeout = (long)_options.RequestTimeout.TotalMilliseconds,
        };
        request.FetchVariable.AddRange(FetchVariables);
        // The official clients give the call requestTimeout plus 10 s before they give up on it.
        // A call made with a token already cancelled still reaches the gateway, which may hand it a job nobody reads.
        _polling.Token.ThrowIfCancellationRequested();
        using var call = _gateway.ActivateJobs(request, null, DateTime.UtcNow + _options.RequestTimeout + TimeSpan.FromSeconds(10), _polling.Token);
        var count = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync(_polling.Token))
        {
            foreach (var job in response.Jobs)
            {
                await _capacity.WaitAsync(_polling.Token); // closing: a job received but not started is left to its Zeebe timeout
                count++;
                Start(job, streamed: false);
            }
        }
        return count;
    }

    private void Start(ActivatedJob job, bool streamed)
    {
        Telemetry.SwitchboardTelemetry.ZeebeJobsActivated.Add(1, new KeyValuePair<string, object?>("connector", Type));
        Interlocked.Increment(ref _unreported);
        // The poll or stream loop goes back to reading at once: the job runs on a pool thread of its own.
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Worker.Run(state.Job, state.Streamed, state.Received),
            (Worker: this, Job: job, Streamed: streamed, Received: System.Diagnostics.Stopwatch.GetTimestamp()), preferLocal: false);
    }

    // On the job's pool thread: its plugin code runs right here (InlineStart) rather than being handed to yet another pool
    // thread. The report is awaited separately: plugin code that blocks past its timeout keeps this thread, while the
    // deadline's thread fails the job and frees its slot.
    private void Run(ActivatedJob job, bool streamed, long received)
    {
        var inline = _hostJob is null ? new Invocation.InlineStart() : null;
        _ = ReportAsync(job, streamed, received, inline);
        inline?.Run();
    }

    private async Task ReportAsync(ActivatedJob job, bool streamed, long received, Invocation.InlineStart? inline)
    {
        try
        {
            if (_hostJob is null)
                await _handler.HandleAsync(job, _abort.Token, inline);
            else
                await _handler.HandleAsync(job, _hostJob, _abort.Token);
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            // NOT_FOUND: the job timed out and went elsewhere; cancelled: shutdown gave up on it. Zeebe re-activates it either way.
            _logger.LogWarning("Job {JobKey} of {Connector} via {Protocol} was not reported: {Error}", job.Key, Type, "Zeebe",
                e is RpcException rpc ? GatewayErrorText.Of(rpc) : e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Job {JobKey} of {Connector} via {Protocol} failed inside the host; it is failed with one retry less", job.Key, Type, "Zeebe");
            try
            {
                await _handler.FailForHostErrorAsync(job, e, _abort.Token);
            }
            catch (Exception again)
            {
                _logger.LogWarning(again, "Job {JobKey} of {Connector} via {Protocol} was not reported: {Error}", job.Key, Type, "Zeebe", again.Message);
            }
        }
        finally
        {
            _capacity.Release();
            // A closing worker's job frees room of its type that the open worker takes.
            if (_polling.IsCancellationRequested)
                _capacity.WakeOwner();
            // A streamed job's end wakes the poller only once the stream has nothing buffered (see _streamIdle): a
            // stream under steady load would otherwise make a poll for every few jobs it delivers, each competing with
            // it for the same room, as the Java client avoids.
            if (!streamed || Volatile.Read(ref _streamIdle))
                _freed.Writer.TryWrite(true);
            Telemetry.SwitchboardTelemetry.ZeebeJobDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(received).TotalSeconds,
                new KeyValuePair<string, object?>("connector", Type));
            if (Interlocked.Decrement(ref _unreported) == 0)
                Volatile.Read(ref _drained)?.TrySetResult();
        }
    }

    /// <summary>Stops activating, lets running jobs finish and report within the drain timeout (or until
    /// <see cref="CutDrain"/>), then gives up on the rest. Called again, it answers the same closing.</summary>
    public ValueTask DisposeAsync() => new(_disposal.Value);

    /// <summary>Stops polling and streaming; running jobs go on and report. Closing (<see cref="DisposeAsync"/>) follows.</summary>
    public void StopActivating()
    {
        try
        {
            _polling.Cancel();
            _state.Set(Telemetry.ZeebeWorkerState.Closing);
        }
        catch (ObjectDisposedException)
        {
            // Closed already.
        }
    }

    /// <summary>Whether the worker takes no more jobs: it stopped activating, or is closing.</summary>
    public bool StoppedActivating => _polling.IsCancellationRequested;

    /// <summary>Ends the wait for running jobs now, as when the host's shutdown timeout is up: what has not reported is
    /// left to its Zeebe job timeout.</summary>
    public void CutDrain() => _drainCut.Cancel();

    private async Task CloseAsync()
    {
        _state.Set(Telemetry.ZeebeWorkerState.Closing);
        _polling.Cancel();
        await Task.WhenAll(_loop, _stream).ContinueWith(_ => { }, TaskScheduler.Default);
        // No job starts any more. Set before the count is read, so the last report either sees it or ends before the read.
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _drained, drained);
        if (Volatile.Read(ref _unreported) == 0)
            drained.TrySetResult();
        if (await Task.WhenAny(drained.Task, Task.Delay(_options.DrainTimeout, _drainCut.Token)) != drained.Task)
            _logger.LogWarning("{Count} {Connector} jobs did not finish within the {Limit}; Zeebe will hand them out again",
                Volatile.Read(ref _unreported), Type, _drainCut.IsCancellationRequested ? "host's shutdown timeout" : "drain timeout");
        // From the pool and not awaited: the abort runs the plugin code's callbacks on its calls' tokens, and one that
        // blocked held the worker's close, and the host's stop, for as long as it blocked.
        var aborting = _abort.CancelAsync();
        // The abort ends every report still under way at once (a call's wait heeds it even where its plugin code does
        // not). What it cannot end, the host's own work on a finished call that has not returned, is not waited for
        // beyond a moment: the process must be able to stop.
        if (await Task.WhenAny(drained.Task, Task.Delay(AbortGrace)) != drained.Task)
            _logger.LogWarning("{Count} {Connector} jobs via {Protocol} were still being reported after the abort; the worker stops without them",
                Volatile.Read(ref _unreported), Type, "Zeebe");
        _polling.Dispose();
        if (aborting.IsCompleted)
            _abort.Dispose();
        _state.Set(null);
    }
}
