using Grpc.Net.Client;
using Switchboard.Host.Protocols.Zeebe.Gateway;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>The test gateway pushes to job streams as the broker does, so the worker's tests and the benchmark meet the real behaviour.</summary>
public sealed class TestGatewayPushTests
{
    [Fact]
    public async Task A_stream_that_is_not_read_is_pushed_to_until_its_buffers_fill_and_the_rest_is_left_to_polls()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var channel = GrpcChannel.ForAddress("http://" + server.Address);
        var client = new Gateway.GatewayClient(channel);
        using var stream = client.StreamActivatedJobs(new StreamActivatedJobsRequest { Type = "t", Worker = "streamer", Timeout = 60_000 });
        await Eventually.WaitFor(() => server.Gateway.OpenStreams("t") > 0, because: "the stream registers");

        // 200 jobs of 2 KB: far more than the client's 64 KiB window and the gateway's 32 KiB of unsent data hold.
        var variables = $$"""{"text":"{{new string('x', 2000)}}"}""";
        var keys = Enumerable.Range(0, 200).Select(_ => server.Gateway.CreateJob("t", variables)).ToList();
        var pushed = keys.Where(k => server.Gateway.Job(k).Streamed).ToList();

        pushed.Should().NotBeEmpty("a ready stream is pushed to");
        pushed.Count.Should().BeLessThan(100, "a stream whose buffers are full is not ready, and the broker does not hold jobs back for it");
        server.Gateway.Yielded.Should().Be(keys.Count - pushed.Count);

        using var poll = client.ActivateJobs(new ActivateJobsRequest { Type = "t", Worker = "poller", Timeout = 60_000, MaxJobsToActivate = 1000, RequestTimeout = -1 });
        var polled = new List<long>();
        while (await poll.ResponseStream.MoveNext(CancellationToken.None))
            polled.AddRange(poll.ResponseStream.Current.Jobs.Select(j => j.Key));
        polled.Should().BeEquivalentTo(keys.Except(pushed), "what the stream was not given waits for a poll");

        var received = new List<long>();
        while (received.Count < pushed.Count && await stream.ResponseStream.MoveNext(CancellationToken.None))
            received.Add(stream.ResponseStream.Current.Key);
        received.Should().Equal(pushed, "the stream delivers exactly what was pushed to it, in order");
    }

    [Fact]
    public async Task A_job_that_waited_before_a_stream_opened_is_not_pushed_to_it()
    {
        await using var server = await TestGatewayServer.StartAsync();
        var waiting = server.Gateway.CreateJob("t");
        using var channel = GrpcChannel.ForAddress("http://" + server.Address);
        var client = new Gateway.GatewayClient(channel);
        using var stream = client.StreamActivatedJobs(new StreamActivatedJobsRequest { Type = "t", Worker = "streamer", Timeout = 60_000 });
        await Eventually.WaitFor(() => server.Gateway.OpenStreams("t") > 0, because: "the stream registers");

        var fresh = server.Gateway.CreateJob("t");

        (await stream.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();
        stream.ResponseStream.Current.Key.Should().Be(fresh, "only a job that appears while the stream is open is pushed");
        server.Gateway.Job(waiting).Activations.Should().Be(0);
    }
}
