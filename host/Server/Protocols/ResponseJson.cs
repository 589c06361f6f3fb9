using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Host.Protocols;

/// <summary>Writes a protocol's JSON answer to the HTTP response through a buffer and a writer kept per thread: every
/// answer needs its length up front, and making a buffer, a writer and a byte array for each was most of what an
/// answer cost in allocations.</summary>
/// <remarks>The JSON is written and copied into the response's pipe without an await in between, so no other request
/// on the same thread can touch the buffer meanwhile.</remarks>
internal static class ResponseJson
{
    /// <summary>Writes <paramref name="node"/>, or a JSON null for none: one rule for every writer that puts a node into a message.</summary>
    public static void WriteNodeOrNull(this Utf8JsonWriter json, JsonNode? node)
    {
        if (node is null)
            json.WriteNullValue();
        else
            node.WriteTo(json);
    }

    // Larger buffers (an unusually large output) are let go after their answer.
    private const int KeptBytes = 64 * 1024;

    /// <summary>Relaxed escaping keeps quotes and non-ASCII readable; a protocol's JSON body is never embedded in HTML.</summary>
    public static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The same relaxed escaping for a whole tree turned into text (<c>JsonNode.ToJsonString</c>).</summary>
    public static readonly JsonSerializerOptions RelaxedText = new() { Encoder = Relaxed.Encoder };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_default;
    [ThreadStatic] private static Utf8JsonWriter? t_relaxed;

    /// <summary>Answers <paramref name="status"/> with the JSON <paramref name="write"/> writes; <paramref name="relaxed"/>
    /// keeps quotes and non-ASCII unescaped (CSP), otherwise System.Text.Json's default escaping (Spiff).</summary>
    public static Task WriteAsync<TState>(HttpResponse response, int status, string contentType, TState state, Action<Utf8JsonWriter, TState> write,
        bool relaxed, CancellationToken cancellationToken)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        Utf8JsonWriter writer;
        if (relaxed)
            writer = t_relaxed ??= new Utf8JsonWriter(buffer, Relaxed);
        else
            writer = t_default ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            write(writer, state);
            writer.Flush();
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength = buffer.WrittenCount;
            // Started first, the headers go into the connection's buffer and the body right after them: written before the
            // start, Kestrel would hold the body in a block of its own and copy it behind the headers later. Starting
            // completes at once unless something registered an asynchronous OnStarting callback.
            var starting = response.HasStarted ? Task.CompletedTask : response.StartAsync(cancellationToken);
            if (!starting.IsCompletedSuccessfully)
                return WriteWhenStartedAsync(response, starting, buffer.WrittenSpan.ToArray(), cancellationToken);
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            if (buffer.Capacity > KeptBytes)
                (t_buffer, t_default, t_relaxed) = (null, null, null);
        }
        var flushing = response.BodyWriter.FlushAsync(cancellationToken);
        return flushing.IsCompletedSuccessfully ? Task.CompletedTask : flushing.AsTask();
    }

    // The rare start that waits: the thread's buffer may serve another answer meanwhile, so the body travels as a copy.
    private static async Task WriteWhenStartedAsync(HttpResponse response, Task starting, byte[] body, CancellationToken cancellationToken)
    {
        await starting;
        await response.BodyWriter.WriteAsync(body, cancellationToken);
    }
}
