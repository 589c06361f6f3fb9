using MimeKit;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Smtp;

/// <summary>Turns the input into a MIME message, refusing addresses that do not parse.</summary>
internal static class MessageBuilder
{
    public static MimeMessage Build(SmtpInput input)
    {
        var message = new MimeMessage { Subject = input.EmailSubject };
        message.From.AddRange(Addresses(input.EmailFrom, "email_from", required: true));
        message.To.AddRange(Addresses(input.EmailTo, "email_to", required: true));
        message.Cc.AddRange(Addresses(input.EmailCc, "email_cc", required: false));
        message.Bcc.AddRange(Addresses(input.EmailBcc, "email_bcc", required: false));
        message.ReplyTo.AddRange(Addresses(input.EmailReplyTo, "email_reply_to", required: false));
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(message.From.Mailboxes.First().Domain is { Length: > 0 } domain ? domain : "localhost");
        message.Body = new BodyBuilder { TextBody = Body(input.EmailBody), HtmlBody = Body(input.EmailBodyHtml) }.ToMessageBody();
        return message;
    }

    // Every line ends in LF here, which MimeKit sends as CRLF. A bare CR it sends as it is (RFC 5321 2.3.8 forbids it):
    // "<CR>.<CR>" in an end user's text ended the data for servers that accept that, and the rest was read as new
    // SMTP commands, a forged message from the sending account.
    private static string? Body(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static InternetAddressList Addresses(string? text, string field, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
                throw new ConnectorInputException("InvalidAddress", "needs at least one address") { Field = field };
            return [];
        }
        // MimeKit's parser reads full RFC 5322 lists ("Ada <ada@example.com>, bob@example.com"); ';' is a common habit for ','.
        if (!InternetAddressList.TryParse(text.Replace(';', ','), out var list) || list.Mailboxes.Count() != list.Count
            || list.Mailboxes.Any(m => !m.Address.Contains('@')))
            throw new ConnectorInputException("InvalidAddress", $"'{text}' is not a list of email addresses") { Field = field };
        return list;
    }
}
