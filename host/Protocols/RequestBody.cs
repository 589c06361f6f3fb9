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

    /// <summary>The body's bytes, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (request.ContentLength > limit)
            return null;
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
                    return null;
                }
                if (read.IsCompleted)
                {
                    var body = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return body;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
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
