namespace Switchboard.Host.Protocols;

/// <summary>Reads an HTTP answer from a peer the host calls (a token endpoint, the Camunda REST API) into memory, up to
/// a size its kind of answer never needs: a peer that is broken or hostile must not fill the host's memory with one
/// answer (HttpClient's own buffering allows 2 GB, and a streamed JSON read has no limit at all).</summary>
internal static class BoundedContent
{
    /// <summary>The answer's bytes, or null when it is larger than <paramref name="maxBytes"/> (refused by its declared
    /// length before reading, or as soon as that many bytes have come).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellation)
    {
        if (content.Headers.ContentLength > maxBytes)
            return null;
        await using var stream = await content.ReadAsStreamAsync(cancellation);
        using var answer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellation)) > 0)
        {
            if (answer.Length + read > maxBytes)
                return null;
            answer.Write(chunk, 0, read);
        }
        return answer.ToArray();
    }
}
