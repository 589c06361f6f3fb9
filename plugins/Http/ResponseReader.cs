using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http;

/// <summary>The response body as the SpiffWorkflow proxy returns it: JSON parsed, anything else as <c>raw_response</c>
/// text; and the bounded read every connector of this plugin reads a body with.</summary>
internal static class ResponseReader
{
    /// <summary>The most of one response body a call reads (16 MiB). HttpClient's own buffer allows 2 GB, so an
    /// upstream sending without end filled the host's memory before the call's timeout.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    // As deep as the host reads JSON itself; the parser's own default (64) turned a valid deeper answer into raw_response text.
    internal static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 1000 };

    public static async Task<JsonNode> BodyAsync(HttpContent content, string? mediaType, string target, CancellationToken cancellation)
    {
        var text = Text(await BytesAsync(content, target, cancellation), content.Headers.ContentType?.CharSet);
        if (IsJson(mediaType) && text.Length > 0)
        {
            try
            {
                return JsonAnswer.Parse(text) ?? new JsonObject { ["raw_response"] = text };
            }
            catch (JsonException)
            {
                // A server that says JSON but sends something else: hand over what it sent.
            }
        }
        return new JsonObject { ["raw_response"] = text };
    }

    /// <summary>The body's bytes, at most <see cref="MaxBodyBytes"/>; a larger one fails the call with
    /// <c>HttpResponseTooLarge</c> as soon as it is known to be (its <c>Content-Length</c>, or the bytes read so far).</summary>
    /// <param name="target">The request as messages may name it (method, scheme, host, port and path).</param>
    public static async Task<byte[]> BytesAsync(HttpContent content, string target, CancellationToken cancellation)
    {
        if (content.Headers.ContentLength > MaxBodyBytes)
            throw TooLarge(target);
        await using var stream = await content.ReadAsStreamAsync(cancellation);
        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellation)) > 0)
            {
                if (body.Length + read > MaxBodyBytes)
                    throw TooLarge(target);
                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return body.ToArray();
    }

    // Not retryable: the same request would get the same answer.
    private static ConnectorException TooLarge(string target) =>
        new("HttpResponseTooLarge", $"{target} answered with a body of more than {MaxBodyBytes} bytes, the most a call reads", retryable: false)
        {
            StatusCode = 502,
        };

    /// <summary>The body as text, as <see cref="HttpContent.ReadAsStringAsync()"/> reads it (a byte order mark first,
    /// then the charset the response names, else UTF-8), except that a charset this host does not know is read as UTF-8:
    /// the upstream has answered, and failing the call would make a retry send a POST again.</summary>
    public static string Text(byte[] bytes, string? charset)
    {
        var encoding = FromPreamble(bytes, out var preamble) ?? Named(charset) ?? Encoding.UTF8;
        return encoding.GetString(bytes, preamble, bytes.Length - preamble);
    }

    private static Encoding? Named(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
            return null;
        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"'));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static Encoding? FromPreamble(ReadOnlySpan<byte> bytes, out int length)
    {
        (Encoding? encoding, length) = bytes switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (Encoding.UTF8, 3),
            [0xFF, 0xFE, 0x00, 0x00, ..] => (Encoding.UTF32, 4),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            [0x00, 0x00, 0xFE, 0xFF, ..] => (new UTF32Encoding(bigEndian: true, byteOrderMark: true), 4),
            _ => ((Encoding?)null, 0),
        };
        return encoding;
    }

    public static IReadOnlyDictionary<string, string> Headers(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);

    private static bool IsJson(string? mediaType) =>
        mediaType is not null && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                                  || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
