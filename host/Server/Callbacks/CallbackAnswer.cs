namespace Switchboard.Host.Callbacks;

/// <summary>The callback client's innermost handler: reads at most <see cref="MaxBytes"/> of the receiver's answer
/// within the attempt, keeps those bytes as the answer's content and closes the rest unread.</summary>
/// <remarks>
/// The receiver is whatever the callback URL names. Without this, an answer's body was read after the resilience
/// handler's attempt timeout had ended and was buffered whole: a receiver answering 200 and then one byte a second kept
/// its callback pending for ever (and, past <see cref="CallbackLimits.MaxPendingCalls"/>, every later asynchronous call
/// refused as busy), and one streaming gigabytes made the host hold them. Only the status and headers decide a delivery;
/// the few KiB kept are for what a protocol reads from an answer (Spiff's <c>status</c> and <c>error_code</c>). An
/// answer is complete when those bytes or its end arrive, so a body that trickles times the attempt out.
/// </remarks>
internal sealed class CallbackAnswer : DelegatingHandler
{
    /// <summary>The most of an answer's body that is read; the rest is never read, and its connection is closed.</summary>
    public const int MaxBytes = 4096;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            var received = response.Content;
            var buffer = new byte[MaxBytes];
            var length = 0;
            // The token is the attempt's: its timeout ends a read that waits too long.
            await using (var body = await received.ReadAsStreamAsync(cancellationToken))
            {
                try
                {
                    int read;
                    while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
                        length += read;
                }
                catch (IOException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The body was cut short (the connection closed before its Content-Length): the receiver has already
                    // answered with its status, which decides the delivery, so what arrived is the answer. Failing here
                    // counted a callback the receiver had taken with 200 as lost.
                }
            }
            var kept = new ByteArrayContent(buffer, 0, length);
            foreach (var header in received.Headers)
                if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    kept.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = kept;
            // Whatever the body still holds is not read: disposing the stream drains at most the handler's small drain
            // limit, else closes the connection.
            received.Dispose();
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
