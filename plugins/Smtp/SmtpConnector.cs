using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.Plugins.Smtp;

/// <summary>Sends one email through an SMTP server.</summary>
[Connector("io.switchboard:smtp:1",
    Name = "Send email (SMTP)",
    Description = "Sends an email with a text and/or HTML body through an SMTP server.",
    TimeoutSeconds = 120,
    Icon = "smtp.svg",
    Keywords = ["email", "mail", "SMTP", "send email", "notification"])]
[SpiffCommand("smtp/SendEmail")]
public sealed class SmtpConnector
{
    /// <summary>Builds the message, connects, authenticates when a user is given, and sends.</summary>
    [Operation]
    public async Task<SmtpOutput> SendEmail(SmtpInput input, IConnectorContext context)
    {
        var message = MessageBuilder.Build(input);
        var recipients = message.GetRecipients(onlyUnique: true).Select(r => r.Address).ToList();
        var security = input.SmtpSsl ? SecureSocketOptions.SslOnConnect
            : input.SmtpStarttls ? SecureSocketOptions.StartTls
            : SecureSocketOptions.StartTlsWhenAvailable;

        using var client = new SmtpClient(new ReplySizeGuard(TimeSpan.FromSeconds(input.SmtpTimeoutSeconds))) { Timeout = input.SmtpTimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(input.SmtpHost.Trim(), input.SmtpPort, security, context.CancellationToken);
            if (!string.IsNullOrEmpty(input.SmtpUser))
            {
                // "STARTTLS when offered" silently stays in clear text when the server offers none: never send a password that way unasked.
                if (!client.IsEncrypted && !input.SmtpAllowInsecureAuth)
                    throw new ConnectorInputException("SmtpInsecureAuthRefused",
                        $"{input.SmtpHost}:{input.SmtpPort} offers no TLS, so logging in would send the password in clear text; use smtp_starttls or smtp_ssl with a server that supports it, or set smtp_allow_insecure_auth to true")
                        { Field = "smtp_allow_insecure_auth" };
                await client.AuthenticateAsync(input.SmtpUser, input.SmtpPassword ?? "", context.CancellationToken);
            }
            var response = await client.SendAsync(message, context.CancellationToken);
            await QuitAsync(client, context);
            context.Logger.LogInformation("Sent {MessageId} to {RecipientCount} recipients via {SmtpHost}:{SmtpPort}",
                message.MessageId, recipients.Count, input.SmtpHost, input.SmtpPort);
            return new SmtpOutput(message.MessageId ?? "", recipients, response);
        }
        catch (Exception e) when (DeliveryFailure.From(e, input) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>How long a goodbye after the server accepted the message may take.</summary>
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Says QUIT as courtesy, briefly and never failing: once the server answered 250 to the data, the message is on its way,
    /// and a failure now (QUIT unanswered, connection gone) would make the caller retry and send the email a second time.
    /// </summary>
    private static async Task QuitAsync(SmtpClient client, IConnectorContext context)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        bounded.CancelAfter(QuitTimeout);
        try
        {
            await client.DisconnectAsync(quit: true, bounded.Token);
        }
        catch (Exception e)
        {
            // Disposing the client closes the connection regardless.
            context.Logger.LogDebug("The SMTP server accepted the message; saying goodbye failed: {Reason}", e.Message);
        }
    }
}
