using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.Host.Protocols;

/// <summary>How the HTTP protocols read a JSON request body: whole, within a size limit, checked as UTF-8 and parsed.</summary>
internal static class RequestBody
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>The body's bytes, or why it could not be read: larger than <paramref name="limit"/> (413), sent too slowly (408) or broken framing (400).</summary>
    public static async Task<BodyRead> ReadAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (request.ContentLength > limit)
            return BodyRead.TooLarge(limit);
        // Kestrel enforces the same limit on bodies without a length (chunked) while we read.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = limit;

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return BodyRead.TooLarge(limit);
                }
                if (read.IsCompleted)
                {
                    var body = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return new BodyRead(body, StatusCodes.Status200OK, null, null);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyRead.TooLarge(limit);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own reason (a bad chunk size, a body sent too slowly); it names the framing, never the request's content.
            return e.StatusCode == StatusCodes.Status408RequestTimeout
                ? new BodyRead(null, e.StatusCode, "RequestTimeout", "the request body was not received in time: " + e.Message)
                : new BodyRead(null, e.StatusCode, "BadRequestBody", "the request body could not be read: " + e.Message);
        }
    }

    /// <summary>Parses <paramref name="body"/> (a leading UTF-8 byte order mark allowed); null with <paramref name="problem"/> set when it is not UTF-8 JSON.</summary>
    public static JsonNode? Parse(byte[] body, JsonDocumentOptions options, out string? problem)
    {
        problem = null;
        var json = body.AsSpan();
        if (json.StartsWith(ByteOrderMark))
            json = json[ByteOrderMark.Length..];
        // The reader checks UTF-8 only where it decodes, so a bad string would surface later, mid-request.
        if (!Utf8.IsValid(json))
        {
            problem = "it is not valid UTF-8";
            return null;
        }
        try
        {
            return JsonNode.Parse(json, documentOptions: options);
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return null;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check decodes every key; a key escaping half a surrogate pair cannot be decoded.
            problem = "a key holds a lone surrogate escape such as \\ud800, which is not Unicode text";
            return null;
        }
    }
}

/// <summary>What reading a request body gave: its bytes, or the HTTP status, error code and reason it was refused with.</summary>
internal readonly record struct BodyRead(byte[]? Body, int Status, string? ErrorCode, string? Problem)
{
    public static BodyRead TooLarge(long limit) =>
        new(null, StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"the request body is larger than the limit of {limit} bytes");
}
