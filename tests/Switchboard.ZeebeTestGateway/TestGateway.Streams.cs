using System.Runtime.InteropServices;
using Grpc.Core;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.ZeebeTestGateway;

/// <summary>Job streams, pushed to as the broker does (docs/zeebe.md, "What the gateway pushes").</summary>
/// <remarks>
/// The broker pushes a job at the moment it becomes activatable (created, or its activation timed out) to a stream of
/// its type that is ready, and only then: a job that was already waiting when a stream opened is never pushed (polls
/// serve that backlog), and a push that finds no stream ready (the worker stopped reading and the stream's buffer is
/// full) is given back, to be served by polls only. The real gateway calls a stream ready while it holds less than
/// 32 KiB unsent (grpc-java); here the same, counting what is queued for the stream and not yet taken by the connection
/// (Kestrel completes a write only then: <see cref="TestGatewayServer"/>).
/// </remarks>
public sealed partial class TestGateway
{
    private readonly Dictionary<string, List<JobStream>> _streams = new(StringComparer.Ordinal);

    // Activated or failed jobs by type, which a timer (the activation's timeout) or a test's Retry() may make
    // activatable again, each time a spell to offer to the streams; scanned instead of every open job.
    private readonly Dictionary<string, HashSet<long>> _timed = new(StringComparer.Ordinal);
    private int _nextStream;

    /// <summary>Job streams of <paramref name="type"/> open right now (registered, so new jobs are pushed to them).</summary>
    public int OpenStreams(string type)
    {
        lock (_lock)
            return _streams.TryGetValue(type, out var streams) ? streams.Count : 0;
    }

    /// <summary>Jobs the streams were offered but none was ready for, so they were left to polls.</summary>
    public int Yielded
    {
        get { lock (_lock) return _yielded; }
    }

    private int _yielded;

    // What a stream may hold unsent and still be ready: grpc-java's default on-ready threshold, which the real gateway's
    // readiness check reads.
    private const int ReadyThreshold = 32 * 1024;

    private sealed class JobStream(StreamActivatedJobsRequest request, IServerStreamWriter<ActivatedJob> writer, DateTime openedAt)
    {
        public StreamActivatedJobsRequest Request { get; } = request;
        public IServerStreamWriter<ActivatedJob> Writer { get; } = writer;
        public DateTime OpenedAt { get; } = openedAt;

        // Pushed jobs not yet written out (the first one may be being written), and their size in bytes.
        public Queue<(TestJob Job, ActivatedJob Message, int Size)> Unsent { get; } = new();
        public int UnsentBytes { get; set; }
        public Task Writing { get; set; } = Task.CompletedTask;
        public bool Closed { get; set; }
        public bool Ready => !Closed && UnsentBytes < ReadyThreshold;
    }

    /// <summary>When set, every job stream is refused with this status (UNIMPLEMENTED: a gateway before Zeebe 8.3,
    /// which has no job streams; UNAVAILABLE: a gateway that is going away).</summary>
    public StatusCode? StreamRefusal { get; set; }

    /// <summary>Job streams of <paramref name="type"/> asked for so far, refused ones included.</summary>
    public int StreamAttempts(string type)
    {
        lock (_lock)
            return StreamRequests.Count(r => r.Type == type);
    }

    public override async Task StreamActivatedJobs(StreamActivatedJobsRequest request, IServerStreamWriter<ActivatedJob> responseStream, ServerCallContext context)
    {
        Authorize(context);
        RefuseActivationIfSet();
        if (StreamRefusal is { } refusal)
        {
            lock (_lock)
                StreamRequests.Add(request);
            throw new RpcException(new Status(refusal, "job streams refused for the test"));
        }
        if (string.IsNullOrWhiteSpace(request.Type) || string.IsNullOrWhiteSpace(request.Worker) || request.Timeout < 1)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "type and worker must not be blank; timeout must be positive"));
        using var open = Opened(request.Type);
        JobStream stream;
        lock (_lock)
        {
            StreamRequests.Add(request);
            stream = new JobStream(request, responseStream, DateTime.UtcNow);
            (CollectionsMarshal.GetValueRefOrAddDefault(_streams, request.Type, out _) ??= []).Add(stream);
        }
        try
        {
            // Pushes happen where jobs appear; here only timeouts are noticed, coarsely, every 20 ms.
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            while (await tick.WaitForNextTickAsync(context.CancellationToken))
            {
                lock (_lock)
                    OfferTimedOut(request.Type, DateTime.UtcNow);
            }
        }
        catch (OperationCanceledException)
        {
            // The worker closed its stream.
        }
        finally
        {
            Task last;
            lock (_lock)
            {
                stream.Closed = true;
                _streams[request.Type].Remove(stream);
                last = stream.Writing;
            }
            // The call must not end under a write; a write the closing cut short gave its jobs back (see WriteAsync).
            await last.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    // Called under the lock whenever a job becomes activatable: pushes it to a ready stream of its type that was open at
    // that moment, or leaves it to polls for good.
    private void Offer(TestJob job, DateTime now)
    {
        job.Offered = true;
        if (!_streams.TryGetValue(job.Type, out var streams) || streams.Count == 0)
            return;
        for (var i = 0; i < streams.Count; i++)
        {
            var stream = streams[(_nextStream + i) % streams.Count];
            if (!stream.Ready || stream.OpenedAt > job.ActivatableSince)
                continue;
            _nextStream = (_nextStream + i + 1) % streams.Count;
            Push(job, stream, now);
            return;
        }
        _yielded++;
    }

    private void Push(TestJob job, JobStream stream, DateTime now)
    {
        Activate(job, stream.Request.Worker, now + TimeSpan.FromMilliseconds(stream.Request.Timeout));
        job.Streamed = true;
        var message = Sent(job, stream.Request.FetchVariable);
        var size = message.CalculateSize();
        stream.Unsent.Enqueue((job, message, size));
        stream.UnsentBytes += size;
        if (stream.Unsent.Count == 1)
            stream.Writing = Task.Run(() => WriteAsync(stream));
    }

    // Writes a stream's pushed jobs out in order, one at a time (gRPC allows no more), until none is left. Kestrel lets a
    // write complete only once its bytes left for the connection (TestGatewayServer), so what is queued here is unsent.
    private async Task WriteAsync(JobStream stream)
    {
        while (true)
        {
            ActivatedJob message;
            int size;
            lock (_lock)
            {
                if (stream.Unsent.Count == 0)
                    return;
                (_, message, size) = stream.Unsent.Peek();
            }
            try
            {
                await stream.Writer.WriteAsync(message);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException)
            {
                // The worker went away: what did not reach it goes back, as the gateway gives back a push that failed.
                lock (_lock)
                {
                    while (stream.Unsent.TryDequeue(out var unsent))
                    {
                        unsent.Job.Yield();
                        _yielded++;
                    }
                    stream.UnsentBytes = 0;
                    Pulse(stream.Request.Type);
                }
                return;
            }
            lock (_lock)
            {
                stream.Unsent.Dequeue();
                stream.UnsentBytes -= size;
            }
        }
    }

    // Activated (or failed, for Retry()) jobs are watched for their next activatable spell.
    private void Activate(TestJob job, string worker, DateTime deadline)
    {
        job.Activate(worker, deadline);
        Timed(job);
    }

    private void Timed(TestJob job) => (CollectionsMarshal.GetValueRefOrAddDefault(_timed, job.Type, out _) ??= []).Add(job.Key);

    // Under the lock: jobs of the type whose activation timed out (or that a test put back) start a new spell, offered once.
    private void OfferTimedOut(string type, DateTime now)
    {
        if (!_timed.TryGetValue(type, out var keys) || keys.Count == 0)
            return;
        List<TestJob>? due = null;
        foreach (var key in keys)
        {
            var job = _jobs[key];
            // Given back to polls for good, or due for a new spell.
            if ((job.Offered && job.State == JobState.Activatable) || (job.ActivatableAt(now) && !job.Offered))
                (due ??= []).Add(job);
        }
        if (due is null)
            return;
        foreach (var job in due)
        {
            keys.Remove(job.Key);
            if (job.ActivatableAt(now) && !job.Offered)
                Offer(job, now);
        }
    }
}
