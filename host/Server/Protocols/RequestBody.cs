using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Switchboard.Core.Binding;

namespace Switchboard.Host.Protocols;

/// <summary>How the HTTP protocols read a request body: whole, within a size limit (parsing it is <see cref="Switchboard.Core.Binding.JsonBody"/>'s).</summary>
internal static class RequestBody
{
    /// <summary>The body's bytes, or why it could not be read: larger than <paramref name="limit"/> (413), sent too slowly (408) or broken framing (400).</summary>
    /// <param name="jsonOnly">Whether only a JSON media type is read (415 otherwise; see <see cref="MediaTypeProblem"/>).</param>
    /// <remarks>A value task: a small body usually arrives with the headers, and reading it then costs no task.</remarks>
    public static async ValueTask<BodyRead> ReadAsync(HttpContext http, long limit, CancellationToken cancellationToken, bool jsonOnly = false)
    {
        var request = http.Request;
        // Kestrel's own cap is the drain bound: ours is checked below, and what lies between is read and dropped.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
            sizeLimit.MaxRequestBodySize = Math.Max(limit, DrainBytes);
        var reader = request.BodyReader;
        if (jsonOnly && MediaTypeProblem(request.ContentType) is { } mediaType)
        {
            await DrainAsync(reader, request.ContentLength, cancellationToken);
            return new BodyRead(null, StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", mediaType);
        }
        if (request.ContentLength > limit)
        {
            await DrainAsync(reader, request.ContentLength.Value, cancellationToken);
            return BodyRead.TooLarge(limit);
        }
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    if (!read.IsCompleted)
                        await DrainAsync(reader, null, cancellationToken);
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

    /// <summary>Why a request's <c>Content-Type</c> is not one the protocols read, or null when it is: a JSON media type
    /// (<c>application/json</c>, or any <c>+json</c> one) in UTF-8.</summary>
    /// <remarks>A browser page of any site may POST <c>text/plain</c>, a form or a body without a type to any address
    /// without asking first; a JSON type makes it ask (a CORS preflight), which the host does not grant to other sites.
    /// So refusing the rest keeps a page from running connectors through a host its visitor can reach.</remarks>
    public static string? MediaTypeProblem(string? contentType)
    {
        // What nearly every client sends, recognised without parsing a header value on every request.
        if (string.Equals(contentType, "application/json", StringComparison.OrdinalIgnoreCase))
            return null;
        if (string.IsNullOrWhiteSpace(contentType))
            return "the Content-Type header is missing: send the body as application/json";
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || !(parsed.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) || parsed.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
            return $"the Content-Type must be application/json, not {Logging.LogValueSanitizer.Escape(contentType, 100)}";
        if (parsed.Charset.HasValue && !parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !parsed.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return $"the body must be UTF-8, not {Logging.LogValueSanitizer.Escape(parsed.Charset.ToString(), 40)}";
        return null;
    }

    /// <summary>The most of a refused body that is read and dropped so its sender can finish sending and read the refusal.</summary>
    /// <remarks>A server that answers and closes while the client is still sending makes the client's socket fail
    /// ("broken pipe") before it reads the answer; reading the rest first lets an ordinary client see the 413. A
    /// larger body (or one slower than <see cref="DrainTime"/>) is not waited for: Kestrel closes the connection.</remarks>
    public const long DrainBytes = 32 * 1024 * 1024;

    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(5);

    private static async Task DrainAsync(System.IO.Pipelines.PipeReader reader, long? length, CancellationToken cancellationToken)
    {
        if (length > DrainBytes)
            return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(DrainTime);
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(deadline.Token);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                    return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or BadHttpRequestException or IOException)
        {
            // Too slow, too large or cut off: the refusal goes out anyway and Kestrel closes the connection.
        }
    }
}

/// <summary>What reading a request body gave: its bytes, or the HTTP status, error code and reason it was refused with.</summary>
internal readonly record struct BodyRead(byte[]? Body, int Status, string? ErrorCode, string? Problem)
{
    public static BodyRead TooLarge(long limit) =>
        new(null, StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", $"the request body is larger than the limit of {limit} bytes");
}
