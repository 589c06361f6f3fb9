using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Smtp;

/// <summary>Maps what MailKit throws onto stable error codes and whether trying again can help.</summary>
/// <remarks>SMTP itself says which failures are temporary: 4xx replies are, 5xx replies are not.</remarks>
internal static class DeliveryFailure
{
    public static ConnectorException? From(Exception e, SmtpInput input) => e switch
    {
        SmtpCommandException command => Command(command),
        // Not retryable: a server that sends an endless reply is broken or hostile, and does it again on the next try.
        ReplyTooLargeException => new ConnectorException("SmtpReplyTooLarge",
            $"{input.SmtpHost}:{input.SmtpPort} sent a reply longer than {ReplySizeGuard.MaxReplyBytes / 1024} KiB; gave up on the connection", retryable: false, innerException: e),
        AuthenticationException => new ConnectorException("SmtpAuthFailed",
            $"the server refused the credentials of '{input.SmtpUser}'", retryable: false, innerException: e),
        NotSupportedException when e.Message.Contains("authentication", StringComparison.OrdinalIgnoreCase) =>
            new ConnectorException("SmtpAuthFailed", "the server does not support authentication", retryable: false, innerException: e),
        SslHandshakeException => new ConnectorException("SmtpTlsFailed",
            $"TLS with {input.SmtpHost}:{input.SmtpPort} failed: {FirstLine(e.Message)}", retryable: false, innerException: e),
        NotSupportedException when e.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) =>
            new ConnectorException("SmtpTlsFailed", $"{input.SmtpHost}:{input.SmtpPort} does not offer STARTTLS", retryable: false, innerException: e),
        SocketException socket => new ConnectorException("SmtpConnectFailed",
            $"cannot connect to {input.SmtpHost}:{input.SmtpPort}: {socket.SocketErrorCode}", retryable: true, innerException: e),
        SmtpProtocolException or ServiceNotConnectedException or IOException => new ConnectorException("SmtpConnectFailed",
            $"the connection to {input.SmtpHost}:{input.SmtpPort} failed: {FirstLine(e.Message)}", retryable: true, innerException: e),
        TimeoutException => new ConnectorException("SmtpTimeout",
            $"{input.SmtpHost}:{input.SmtpPort} did not answer within {input.SmtpTimeoutSeconds} s", retryable: true, innerException: e),
        _ => null,
    };

    private static ConnectorException Command(SmtpCommandException e)
    {
        var temporary = (int)e.StatusCode is >= 400 and < 500;
        var reply = $"{(int)e.StatusCode} {FirstLine(e.Message)}";
        return e.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => new ConnectorException("SmtpRecipientRejected",
                $"the server refused recipient {e.Mailbox?.Address}: {reply}", temporary, new { recipient = e.Mailbox?.Address, status = (int)e.StatusCode }, e),
            SmtpErrorCode.SenderNotAccepted => new ConnectorException("SmtpSenderRejected",
                $"the server refused sender {e.Mailbox?.Address}: {reply}", temporary, new { sender = e.Mailbox?.Address, status = (int)e.StatusCode }, e),
            SmtpErrorCode.MessageNotAccepted => new ConnectorException("SmtpMessageRejected",
                $"the server refused the message: {reply}", temporary, new { status = (int)e.StatusCode }, e),
            _ => new ConnectorException("SmtpProtocolError", $"the server answered {reply}", temporary, new { status = (int)e.StatusCode }, e),
        };
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
