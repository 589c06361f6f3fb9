using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using GatewayClient = Switchboard.Host.Protocols.Zeebe.Gateway.Gateway.GatewayClient;

namespace Switchboard.Tests.Zeebe;

/// <summary>A worker's poll and stream loops outlive any failure of a call, not only the gateway's own errors.</summary>
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

    private sealed class NoJob : IHostJob
    {
        public string Type => "test:no-job";

        public Task<HostJobResult> RunAsync(JsonObject variables, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    // The first call fails inside the client with what no gateway sends; every later one as an unavailable gateway.
    private sealed class FailingOnce : CallInvoker
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

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options,
            TRequest request) => throw new NotSupportedException();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host,
            CallOptions options, TRequest request) => throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }
}
