using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Tasks.Sources;
using Switchboard.Host.Protocols.Refusals;

namespace Switchboard.Tests.Hosting;

/// <summary>The refusal transport's reading side hands Kestrel each read exactly as the socket's pipe gave it.</summary>
public sealed class RequestLineRecorderTests
{
    [Fact]
    public async Task A_read_that_completed_before_it_is_looked_at_is_consumed_once()
    {
        // A pipe's read that completes between ReadAsync returning and the recorder looking at it is backed by the pipe's
        // reusable source: taking its result twice (the recorder, then Kestrel's await) read whatever the source held next,
        // and under load Kestrel took a request's read for the connection's end and closed it unanswered.
        var reader = new OnceReader("POST /csp/connector HTTP/1.1\r\nHost: x\r\n\r\n");
        var transport = KestrelRefusalTransport.Over(new Pipe(reader), () => throw new InvalidOperationException("not needed"));

        var read = await transport.Input.ReadAsync();

        Encoding.ASCII.GetString(read.Buffer.ToArray()).Should().StartWith("POST /csp/connector");
        reader.Results.Should().Be(1, "the pipe's result is taken once");
    }

    private sealed record Pipe(PipeReader Input) : IDuplexPipe
    {
        public PipeWriter Output { get; } = PipeWriter.Create(Stream.Null);
    }

    /// <summary>A reader whose read completes at once behind a reusable source that refuses a second GetResult, as a
    /// real pipe's source must not be asked twice.</summary>
    private sealed class OnceReader(string text) : PipeReader, IValueTaskSource<ReadResult>
    {
        public int Results { get; private set; }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => new(this, 0);

        public ReadResult GetResult(short token) => ++Results == 1
            ? new ReadResult(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)), isCanceled: false, isCompleted: false)
            : throw new InvalidOperationException("the result of this read was already taken");

        public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Succeeded;

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) => continuation(state);

        public override bool TryRead(out ReadResult result) => throw new NotSupportedException();

        public override void AdvanceTo(SequencePosition consumed) { }

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) { }

        public override void CancelPendingRead() { }

        public override void Complete(Exception? exception = null) { }
    }
}
