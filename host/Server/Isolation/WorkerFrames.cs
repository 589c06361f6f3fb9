using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Isolation;

/// <summary>The framing between the host and a plugin's worker process: each message is a 4-byte little-endian length
/// followed by that many bytes of UTF-8 JSON, over a Unix domain socket.</summary>
/// <remarks>JSON, because every payload (inputs, outputs, metadata) already is JSON; the length prefix lets either side
/// read a whole message without scanning it. Messages larger than <see cref="MaxBytes"/> end the connection.</remarks>
internal static class WorkerFrames
{
    /// <summary>The largest message either side accepts (a call's input or output with room to spare).</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>How deep a message may nest: a call's input or output may itself be <see cref="Core.Binding.JsonDepth.Max"/>
    /// levels deep, and the message wraps it a few levels more.</summary>
    public const int MaxDepth = Core.Binding.JsonDepth.Max + 24;

    private static readonly JsonDocumentOptions Reading = new() { MaxDepth = MaxDepth };

    /// <summary>Reads one message; null when the other side closed the connection between messages.</summary>
    /// <remarks>The body is read into a pooled buffer and parsed from there: nothing of it outlives the call but the message.</remarks>
    public static async Task<JsonObject?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            if (!await FillAsync(stream, buffer.AsMemory(0, 4), cancellationToken))
                return null;
            var length = BinaryPrimitives.ReadInt32LittleEndian(buffer);
            if (length is < 2 or > MaxBytes)
                throw new InvalidDataException($"a worker message of {length} bytes is outside 2..{MaxBytes}");
            if (length > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(length);
            }
            if (!await FillAsync(stream, buffer.AsMemory(0, length), cancellationToken))
                throw new EndOfStreamException("the connection ended inside a message");
            return JsonNode.Parse(buffer.AsSpan(0, length), documentOptions: Reading) as JsonObject ?? throw new InvalidDataException("a worker message is not a JSON object");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<bool> FillAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[read..], cancellationToken);
            if (n == 0)
                return read == 0 ? false : throw new EndOfStreamException("the connection ended inside a message");
            read += n;
        }
        return true;
    }
}
