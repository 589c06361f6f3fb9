using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Host.Protocols.Refusals;

/// <summary>The writing side of <see cref="KestrelRefusalTransport"/>: holds what Kestrel writes while no request is in
/// the application's hands, and at the flush sends it, rewritten when it is a refusal to give a body.</summary>
internal sealed class RefusalRewriter(PipeWriter inner, KestrelRefusalTransport transport) : PipeWriter
{
    private ArrayBufferWriter<byte>? _held;
    private bool _holding;

    public override Memory<byte> GetMemory(int sizeHint = 0) => Holding() ? _held!.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Holding() ? _held!.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

    public override void Advance(int bytes)
    {
        if (_holding)
            _held!.Advance(bytes);
        else
            inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release();
        return inner.FlushAsync(cancellationToken);
    }

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_holding ? _held!.WrittenCount : 0);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        Release();
        inner.Complete(exception);
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_holding)
        {
            Release();
            await inner.FlushAsync();
        }
        await inner.CompleteAsync(exception);
    }

    private bool Holding()
    {
        // A write that began held stays held until its flush, so that one answer is never split between the two.
        if (!_holding && !transport.InApplication)
        {
            _holding = true;
            _held ??= new ArrayBufferWriter<byte>();
        }
        return _holding;
    }

    private void Release()
    {
        if (!_holding)
            return;
        var written = _held!.WrittenSpan;
        if (transport.Rewrite(written) is { } rewritten)
            inner.Write(rewritten);
        else
            inner.Write(written);
        _held.ResetWrittenCount();
        _holding = false;
    }
}
