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

    /// <summary>Writes one message; the caller serializes writers.</summary>
    public static async Task WriteAsync(Stream stream, JsonObject message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads one message; null when the other side closed the connection between messages.</summary>
    public static async Task<JsonObject?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await FillAsync(stream, header, cancellationToken))
            return null;
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 2 or > MaxBytes)
            throw new InvalidDataException($"a worker message of {length} bytes is outside 2..{MaxBytes}");
        var body = new byte[length];
        if (!await FillAsync(stream, body, cancellationToken))
            throw new EndOfStreamException("the connection ended inside a message");
        return JsonNode.Parse(body) as JsonObject ?? throw new InvalidDataException("a worker message is not a JSON object");
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
                return read == 0 ? false : throw new EndOfStreamException("the connection ended inside a message");
            read += n;
        }
        return true;
    }
}
