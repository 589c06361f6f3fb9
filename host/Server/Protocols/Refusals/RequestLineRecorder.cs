using System.Runtime.CompilerServices;
using System.IO.Pipelines;

namespace Switchboard.Host.Protocols.Refusals;

/// <summary>The reading side of <see cref="KestrelRefusalTransport"/>: shows it the start of each request Kestrel reads.</summary>
/// <remarks>Only reads made while a request line is expected are looked at; body reads pass straight through.</remarks>
internal sealed class RequestLineRecorder(PipeReader inner, KestrelRefusalTransport transport) : PipeReader
{
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(cancellationToken);
        if (!transport.ExpectingRequestLine)
            return read;
        if (read.IsCompletedSuccessfully)
        {
            // Its result is taken once and handed on in a new ValueTask: one that completed asynchronously is backed by the
            // pipe's own reusable source, and a second GetResult (the caller's await) would read the next operation's state.
            var result = read.Result;
            transport.Saw(result.Buffer);
            return new ValueTask<ReadResult>(result);
        }
        return Recorded(read);
    }

    // Pooled: this runs once per request on a kept-alive connection, while the next request is awaited.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> Recorded(ValueTask<ReadResult> read)
    {
        var result = await read;
        transport.Saw(result.Buffer);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
            return false;
        if (transport.ExpectingRequestLine)
            transport.Saw(result.Buffer);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
