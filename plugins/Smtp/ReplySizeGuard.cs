using MailKit;

namespace Switchboard.Plugins.Smtp;

/// <summary>
/// Gives up on a server whose single reply grows past <see cref="MaxReplyBytes"/>, or takes longer than the reply time
/// allowed: MailKit keeps appending the lines of a reply until its last line (<c>250 ...</c> after any number of
/// <c>250-...</c>), so a server that never ends one would fill memory, and MailKit's own timeout, which holds each read,
/// never fires while bytes keep coming (a line a second held a call with <c>smtp_timeout_seconds</c> 3 for its whole
/// timeout, and 64 KiB at that pace takes hours).
/// </summary>
/// <remarks>
/// MailKit hands a protocol logger every chunk it reads from the server (after TLS), before it parses it; throwing here
/// ends the read there, so at most this much plus MailKit's read buffer is ever held. Counting per reply (not per
/// connection) keeps a long session, or many pipelined recipient replies, from ever reaching the cap.
/// </remarks>
internal sealed class ReplySizeGuard(TimeSpan replyTimeout) : IProtocolLogger
{
    /// <summary>The most one reply may take; real ones (an EHLO list, a refusal with a link) are under 4 KiB.</summary>
    public const int MaxReplyBytes = 64 * 1024;

    private int _replyBytes;
    private long _replyStarted;
    private int _column;
    private bool _continues;

    /// <inheritdoc />
    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <inheritdoc />
    public void LogConnect(Uri uri)
    {
    }

    /// <inheritdoc />
    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    /// <inheritdoc />
    public void LogServer(byte[] buffer, int offset, int count)
    {
        for (var i = offset; i < offset + count; i++)
        {
            if (_replyBytes == 0)
                _replyStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            if (++_replyBytes > MaxReplyBytes)
                throw new ReplyTooLargeException();
            // A reply line is "250-more" or "250 last" (or a bare "250"): the fourth character says whether the reply goes on.
            if (_column++ == 3)
                _continues = buffer[i] == '-';
            if (buffer[i] != '\n')
                continue;
            if (!_continues)
                _replyBytes = 0;
            _column = 0;
            _continues = false;
        }
        if (_replyBytes > 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_replyStarted) > replyTimeout)
            throw new TimeoutException("the server's reply did not end in time");
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>A server reply went past <see cref="ReplySizeGuard.MaxReplyBytes"/>.</summary>
internal sealed class ReplyTooLargeException() : Exception($"an SMTP reply exceeded {ReplySizeGuard.MaxReplyBytes} bytes");
