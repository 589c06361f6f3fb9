using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Isolation;

/// <summary>Writes <see cref="WorkerFrames"/> messages to one connection, one at a time, straight from a
/// <see cref="Utf8JsonWriter"/> into one reused buffer: no message tree, no copy of a call's input or output, and one
/// system call per message.</summary>
internal sealed class FrameWriter(Stream stream)
{
    // Larger buffers (an unusually large input or output) are let go after their message.
    private const int KeptBytes = 1024 * 1024;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private Utf8JsonWriter? _json;

    /// <summary>Writes one message that <paramref name="write"/> writes as a JSON object.</summary>
    /// <remarks>Only the wait for the connection is cancellable: a message is written whole or the connection fails,
    /// so a cancelled call never leaves half a frame on it.</remarks>
    public async Task WriteAsync<TState>(TState state, Action<Utf8JsonWriter, TState> write, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            _buffer.ResetWrittenCount();
            _buffer.GetSpan(4);
            _buffer.Advance(4);
            if (_json is null)
                _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = WorkerFrames.MaxDepth });
            else
                _json.Reset(_buffer);
            write(_json, state);
            _json.Flush();
            var length = _buffer.WrittenCount - 4;
            if (length > WorkerFrames.MaxBytes)
                throw new FrameTooLargeException(length);
            BinaryPrimitives.WriteInt32LittleEndian(MemoryMarshal.AsMemory(_buffer.WrittenMemory).Span, length);
            await stream.WriteAsync(_buffer.WrittenMemory, CancellationToken.None);
        }
        finally
        {
            if (_buffer.Capacity > KeptBytes)
            {
                _buffer = new ArrayBufferWriter<byte>(16 * 1024);
                _json = null;
            }
            _lock.Release();
        }
    }

    /// <summary>Writes one message of <paramref name="kind"/> about request <paramref name="id"/>: the envelope
    /// (<c>{"id": ..., "kind": ..., ...}</c>) here, its other members by <paramref name="body"/>.</summary>
    public Task WriteAsync<TState>(long id, string kind, TState state, Action<Utf8JsonWriter, TState> body, CancellationToken cancellationToken) =>
        WriteAsync((id, kind, state, body), static (json, message) =>
        {
            json.WriteStartObject();
            json.WriteNumber("id", message.id);
            json.WriteString("kind", message.kind);
            message.body(json, message.state);
            json.WriteEndObject();
        }, cancellationToken);

    /// <summary>Writes <paramref name="message"/> as it is.</summary>
    public Task WriteAsync(JsonObject message, CancellationToken cancellationToken) =>
        WriteAsync(message, static (json, m) => m.WriteTo(json), cancellationToken);
}
