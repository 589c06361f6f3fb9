using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Switchboard.Host.Protocols.Zeebe.Gateway;

namespace Switchboard.ZeebeTestGateway;

/// <summary>An in-memory Zeebe gateway: jobs a test creates, handed out by long-polled ActivateJobs, with the real gateway's answers to job commands.</summary>
/// <remarks>Follows docs/zeebe.md: a poll with nothing to hand out ends OK with no message after requestTimeout; unknown or inactive jobs are NOT_FOUND; failed jobs with retries come back after their backoff, without retries they raise an incident; an activated job whose timeout passes is handed out again. Job streams get what the broker pushes (see TestGateway.Streams.cs).</remarks>
public sealed partial class TestGateway : Gateway.GatewayBase
{
    private readonly object _lock = new();
    private readonly Dictionary<long, TestJob> _jobs = [];
    // Jobs that may be handed out (new, failed with retries, or activated and possibly timed out), in key order, so a poll
    // looks at open jobs only and a benchmark's thousands of finished ones cost nothing.
    // Unfinished jobs by type, oldest first: an activation looks only at its own type's jobs, as the broker's per-type
    // queues do, instead of every open job of every type (which made each completion cost the gateway a scan per stream).
    private readonly Dictionary<string, SortedSet<long>> _open = new(StringComparer.Ordinal);
    private long _nextKey = 2251799813685249;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every ActivateJobs request received, for asserting what the worker asked for.</summary>
    public List<ActivateJobsRequest> ActivateRequests { get; } = [];

    private readonly List<(string Type, DateTime At)> _polls = [];

    /// <summary>The job type and arrival time of every ActivateJobs request so far, for asserting how often the worker polls.</summary>
    public IReadOnlyList<(string Type, DateTime At)> Polls()
    {
        lock (_lock)
            return [.. _polls];
    }

    /// <summary>How many coming ActivateJobs calls to refuse with RESOURCE_EXHAUSTED, as a broker under backpressure does.</summary>
    public int ExhaustedPolls { get; set; }

    /// <summary>Every StreamActivatedJobs request received.</summary>
    public List<StreamActivatedJobsRequest> StreamRequests { get; } = [];

    private readonly Dictionary<string, int> _openActivations = new(StringComparer.Ordinal);

    /// <summary>Long polls and job streams for <paramref name="type"/> open right now.</summary>
    public int OpenActivations(string type)
    {
        lock (_lock)
            return _openActivations.GetValueOrDefault(type);
    }

    private IDisposable Opened(string type)
    {
        lock (_lock)
            _openActivations[type] = _openActivations.GetValueOrDefault(type) + 1;
        return new Closing(() =>
        {
            lock (_lock)
                _openActivations[type]--;
        });
    }

    private sealed class Closing(Action close) : IDisposable
    {
        public void Dispose() => close();
    }

    /// <summary>The <c>grpc-encoding</c> each ActivateJobs request arrived with (null: uncompressed).</summary>
    public List<string?> RequestEncodings { get; } = [];

    /// <summary>Creates an activatable job of <paramref name="type"/>.</summary>
    public long CreateJob(string type, string variables = "{}", Dictionary<string, string>? headers = null, int retries = 3)
    {
        lock (_lock)
        {
            var key = _nextKey++;
            _jobs[key] = new TestJob(key, type, variables, System.Text.Json.JsonSerializer.Serialize(headers ?? []), retries);
            (CollectionsMarshal.GetValueRefOrAddDefault(_open, type, out _) ??= []).Add(key);
            Offer(_jobs[key], DateTime.UtcNow);
            Pulse(type);
            return key;
        }
    }

    /// <summary>Every job created so far.</summary>
    public IReadOnlyList<TestJob> Jobs
    {
        get { lock (_lock) return [.. _jobs.Values]; }
    }

    /// <summary>Drops the finished ones of <paramref name="keys"/> and what was recorded about them: a benchmark's gateway
    /// would otherwise keep every job of every round, and collecting that growing heap stalls it mid-round.</summary>
    public void Forget(IEnumerable<long> keys)
    {
        lock (_lock)
            foreach (var key in keys)
                if (_jobs.TryGetValue(key, out var job) && IsFinished(job))
                {
                    _jobs.Remove(key);
                    CompletionEncodings.Remove(key);
                }
    }

    private static bool IsFinished(TestJob job) => job.State is JobState.Completed or JobState.Failed or JobState.Incident or JobState.ErrorThrown;

    /// <summary>The job's current record.</summary>
    public TestJob Job(long key)
    {
        lock (_lock)
            return _jobs[key];
    }

    /// <summary>Waits until the job reaches a final state (completed, failed, error thrown) and returns it.</summary>
    public async Task<TestJob> FinishedAsync(long key, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var job = _jobs[key];
                if (IsFinished(job))
                    return job;
                changed = _changed.Task;
            }
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
                throw new TimeoutException($"job {key} did not finish; it is {Job(key).State}");
        }
    }

    public override async Task ActivateJobs(ActivateJobsRequest request, IServerStreamWriter<ActivateJobsResponse> responseStream, ServerCallContext context)
    {
        Authorize(context);
        RefuseActivationIfSet();
        if (string.IsNullOrWhiteSpace(request.Type) || string.IsNullOrWhiteSpace(request.Worker) || request.Timeout < 1 || request.MaxJobsToActivate < 1)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "type and worker must not be blank; timeout and maxJobsToActivate must be positive"));
        lock (_lock)
        {
            if (ExhaustedPolls > 0)
            {
                ExhaustedPolls--;
                throw new RpcException(new Status(StatusCode.ResourceExhausted, "Expected to activate jobs, but the broker is under backpressure"));
            }
            ActivateRequests.Add(request);
            _polls.Add((request.Type, DateTime.UtcNow));
            RequestEncodings.Add(context.GetHttpContext().Request.Headers["grpc-encoding"].FirstOrDefault());
        }
        using var open = Opened(request.Type);
        var wait = request.RequestTimeout == 0 ? TimeSpan.FromSeconds(10) : TimeSpan.FromMilliseconds(Math.Max(0, request.RequestTimeout));
        var until = DateTime.UtcNow + wait;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            Task changed;
            var response = new ActivateJobsResponse();
            lock (_lock)
            {
                var now = DateTime.UtcNow;
                foreach (var job in Activatable(request.Type, now, request.MaxJobsToActivate))
                {
                    Activate(job, request.Worker, now + TimeSpan.FromMilliseconds(request.Timeout));
                    response.Jobs.Add(Sent(job, request.FetchVariable));
                }
                changed = Changed(request.Type);
            }
            if (response.Jobs.Count > 0)
            {
                await responseStream.WriteAsync(response);
                return;
            }
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return; // the real gateway ends an empty long poll OK, with no message
            // Wake on a new or returned job, or in time to notice retry backoffs and job timeouts ending.
            await Task.WhenAny(changed, Task.Delay(left < TimeSpan.FromMilliseconds(50) ? left : TimeSpan.FromMilliseconds(50), context.CancellationToken));
        }
    }

    /// <summary>How many CompleteJob calls to refuse with a transient code before accepting, cycling UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED.</summary>
    public int RefusedCompletions { get; set; }

    /// <summary>CompleteJob calls received, refused ones included.</summary>
    public int CompletionAttempts { get; private set; }

    /// <summary>The <c>grpc-encoding</c> of each job's last CompleteJob request (null: uncompressed), by job key.</summary>
    public Dictionary<long, string?> CompletionEncodings { get; } = [];

    public override async Task<CompleteJobResponse> CompleteJob(CompleteJobRequest request, ServerCallContext context)
    {
        Authorize(context);
        if (HangCompletions)
            await HangAsync(context);
        lock (_lock)
        {
            CompletionEncodings[request.JobKey] = context.GetHttpContext().Request.Headers["grpc-encoding"].FirstOrDefault();
            CompletionAttempts++;
            if (RefusedCompletions > 0)
            {
                RefusedCompletions--;
                var code = (CompletionAttempts % 3) switch { 1 => StatusCode.Unavailable, 2 => StatusCode.ResourceExhausted, _ => StatusCode.DeadlineExceeded };
                throw new RpcException(new Status(code, "refused for the test"));
            }
        }
        Command(request.JobKey, job =>
        {
            job.Completions++;
            job.Complete(request.Variables);
        });
        return new CompleteJobResponse();
    }

    public override Task<FailJobResponse> FailJob(FailJobRequest request, ServerCallContext context)
    {
        Authorize(context);
        Command(request.JobKey, job => job.Fail(request.Retries, request.ErrorMessage, TimeSpan.FromMilliseconds(request.RetryBackOff), request.Variables));
        return Task.FromResult(new FailJobResponse());
    }

    public override Task<ThrowErrorResponse> ThrowError(ThrowErrorRequest request, ServerCallContext context)
    {
        Authorize(context);
        Command(request.JobKey, job => job.Throw(request.ErrorCode, request.ErrorMessage));
        return Task.FromResult(new ThrowErrorResponse());
    }

    public override Task<UpdateJobTimeoutResponse> UpdateJobTimeout(UpdateJobTimeoutRequest request, ServerCallContext context)
    {
        Authorize(context);
        if (UpdateJobTimeoutAnswer is { } refusal)
            throw new RpcException(refusal);
        Command(request.JobKey, job => job.ExtendTo(DateTime.UtcNow + TimeSpan.FromMilliseconds(request.Timeout), TimeSpan.FromMilliseconds(request.Timeout)));
        return Task.FromResult(new UpdateJobTimeoutResponse());
    }

    public override Task<TopologyResponse> Topology(TopologyRequest request, ServerCallContext context)
    {
        Authorize(context);
        return Task.FromResult(new TopologyResponse
        {
            ClusterSize = 1, PartitionsCount = 1, ReplicationFactor = 1, GatewayVersion = "8.8.0-switchboard-test",
            Brokers = { new BrokerInfo { NodeId = 0, Host = "127.0.0.1", Port = 26501, Version = "8.8.0", Partitions = { new Partition { PartitionId = 1 } } } },
        });
    }

    /// <summary>When set, every call must carry <c>authorization: Bearer</c> this token, else UNAUTHENTICATED (as an OAuth-protected gateway answers).</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Every bearer token calls arrived with.</summary>
    public List<string> SeenTokens { get; } = [];

    private void Authorize(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        lock (_lock)
        {
            if (header is not null)
                SeenTokens.Add(header);
        }
        if (RequiredToken is { } token && header != "Bearer " + token)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Expected a valid token"));
    }

    private void Command(long key, Action<TestJob> apply)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(key, out var job) || job.State != JobState.Activated)
                throw new RpcException(new Status(StatusCode.NotFound, $"Command rejected: job {key} is not activated"));
            apply(job);
            if (job.State is JobState.Completed or JobState.Incident or JobState.ErrorThrown)
            {
                _open[job.Type].Remove(key);
                _timed[job.Type].Remove(key);
            }
            else if (job.State == JobState.Failed)
                Timed(job); // a test may put it back with Retry()
            Pulse(job.Type);
        }
    }

    // The oldest open jobs of the type that can be activated now; called under the lock.
    private List<TestJob> Activatable(string type, DateTime now, int max) =>
        _open.TryGetValue(type, out var keys) ? keys.Select(k => _jobs[k]).Where(j => j.ActivatableAt(now)).Take(max).ToList() : [];

    // Wakes what waits for a change: anything (FinishedAsync), and the long polls of the job type that changed only, so a
    // benchmark's thousands of changes do not wake every other type's poll.
    private void Pulse(string? type = null)
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
        if (type is not null && _typeChanged.Remove(type, out var ofType))
            ofType.TrySetResult();
    }

    private readonly Dictionary<string, TaskCompletionSource> _typeChanged = new(StringComparer.Ordinal);

    // Under the lock: a task completed at the next change to jobs of the type.
    private Task Changed(string type) =>
        (CollectionsMarshal.GetValueRefOrAddDefault(_typeChanged, type, out _) ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
