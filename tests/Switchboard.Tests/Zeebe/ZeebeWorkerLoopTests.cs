using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using GatewayClient = Switchboard.Host.Protocols.Zeebe.Gateway.Gateway.GatewayClient;

namespace Switchboard.Tests.Zeebe;

/// <summary>A worker on its own, over a gateway client whose calls the test answers: its loops outlive any failure of a
/// call, and it stops even when a job's report never ends.</summary>
public sealed class ZeebeWorkerLoopTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_call_failing_with_an_error_of_the_host_is_logged_with_its_stack_and_tried_again(bool polling, bool streaming)
    {
        var time = new FakeTimeProvider();
        var log = new LogCapture();
        var gateway = new FailingOnce();
        var client = new GatewayClient(gateway);
        var options = new ZeebeOptions { Polling = polling, Streaming = streaming };
        var logger = log.CreateLogger("worker");
        // No job is ever handed out, so the handler's pipeline and secrets are never reached.
        var handler = new JobHandler(client, null!, null!, logger, new JobCommands(options.CommandTimeout, time, logger, null), time);
        await using var worker = new JobWorker(new NoJob(), client, handler, options, logger, time);

        await gateway.FirstFailed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        // The retry waits out the error backoff on the worker's clock; move it until the second call comes.
        await Eventually.WaitFor(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return gateway.Calls >= 2;
        }, because: "the loop should call the gateway again after the failure");

        log.All.Should().Contain("failed: the host failed (InvalidOperationException)")
            .And.Contain("at Switchboard.Tests.Zeebe.ZeebeWorkerLoopTests.FailingOnce", "the stack is logged");
        worker.LastError.Should().NotBeNull("the worker's health shows the failure");
    }

    [Fact]
    public async Task A_job_whose_report_ignores_the_abort_lets_the_worker_stop_after_the_drain_timeout_and_a_grace_saying_so()
    {
        var log = new LogCapture();
        var gateway = new OneJob();
        var client = new GatewayClient(gateway);
        var options = new ZeebeOptions { Polling = true, Streaming = false, DrainTimeout = TimeSpan.FromMilliseconds(100) };
        var logger = log.CreateLogger("worker");
        var handler = new JobHandler(client, null!, null!, logger, new JobCommands(options.CommandTimeout, TimeProvider.System, logger, null), TimeProvider.System);
        var stuck = new Stuck();
        var worker = new JobWorker(stuck, client, handler, options, logger, TimeProvider.System);
        await stuck.Started.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The job's code ignores its cancellation: neither the drain timeout nor the abort ends its report.
        await worker.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        log.All.Should().Contain("1 test:stuck jobs did not finish within the drain timeout")
            .And.Contain("1 test:stuck jobs via Zeebe were still being reported after the abort; the worker stops without them");
        stuck.Cancelled.Should().BeTrue("the abort reached the job's code");
    }

    private sealed class Stuck : IHostJob
    {
        public string Type => "test:stuck";

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        public Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken)
        {
            cancellationToken.Register(() => Cancelled = true);
            Started.TrySetResult();
            return new TaskCompletionSource<HostJobResult>().Task;
        }
    }

    // Hands out one job on the first poll, then long polls that end empty when the worker cancels them.
    private sealed class OneJob : ServerStreamsOnly
    {
        private int _polls;

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method,
            string? host, CallOptions options, TRequest request)
        {
            var response = new Switchboard.Host.Protocols.Zeebe.Gateway.ActivateJobsResponse();
            if (Interlocked.Increment(ref _polls) == 1)
                response.Jobs.Add(new Switchboard.Host.Protocols.Zeebe.Gateway.ActivatedJob
                {
                    Key = 1, Type = "test:stuck", Variables = "{}", CustomHeaders = "{}", Retries = 3,
                    Deadline = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(),
                });
            var reader = new Responses<TResponse>(_polls == 1 ? (TResponse)(object)response : default, options.CancellationToken);
            return new AsyncServerStreamingCall<TResponse>(reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }

    // A worker's polls and streams are server-streaming calls; the job commands (unary) are not reached by these tests.
    private abstract class ServerStreamsOnly : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options,
            TRequest request) => throw new NotSupportedException();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host,
            CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }

    // One answer, if any, then a wait that ends (as a cancelled gRPC read does) when the call is cancelled.
    private sealed class Responses<T>(T? first, CancellationToken cancelled) : IAsyncStreamReader<T>
    {
        private bool _given = first is null;

        public T Current { get; private set; } = default!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!_given)
            {
                _given = true;
                Current = first!;
                return true;
            }
            await Task.Delay(Timeout.Infinite, CancellationTokenSource.CreateLinkedTokenSource(cancelled, cancellationToken).Token);
            return false;
        }
    }

    private sealed class NoJob : IHostJob
    {
        public string Type => "test:no-job";

        public Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    // The first call fails inside the client with what no gateway sends; every later one as an unavailable gateway.
    private sealed class FailingOnce : ServerStreamsOnly
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public TaskCompletionSource FirstFailed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method,
            string? host, CallOptions options, TRequest request)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                FirstFailed.SetResult();
                throw new InvalidOperationException("not a gateway error");
            }
            throw new RpcException(new Status(StatusCode.Unavailable, "gateway down"));
        }
    }
}
