using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Smtp;

/// <summary>Where to deliver and what: the parameter names SpiffArena's SMTP connector uses.</summary>
public sealed class SmtpInput : IValidatableObject
{
    /// <summary>SMTP server host name or address.</summary>
    [Required, Parameter("smtp_host"), Description("SMTP server host name or address.")]
    public string SmtpHost { get; set; } = "";

    /// <summary>SMTP server port.</summary>
    [Required, Parameter("smtp_port"), Range(1, 65535), Description("SMTP server port: usually 587 (STARTTLS), 465 (SSL) or 25.")]
    public int SmtpPort { get; set; }

    /// <summary>User name for SMTP authentication; none means no authentication.</summary>
    [Parameter("smtp_user"), Description("User name for SMTP authentication; leave empty to send without authenticating.")]
    public string? SmtpUser { get; set; }

    /// <summary>Password for SMTP authentication.</summary>
    [Secret, Parameter("smtp_password"), Description("Password for SMTP authentication.")]
    public string? SmtpPassword { get; set; }

    /// <summary>Require STARTTLS after connecting.</summary>
    [Parameter("smtp_starttls"), Description("Require STARTTLS after connecting (port 587). Leave both TLS choices off to use STARTTLS only when the server offers it.")]
    public bool SmtpStarttls { get; set; }

    /// <summary>Connect with TLS from the first byte.</summary>
    [Parameter("smtp_ssl"), Description("Connect with TLS from the first byte (port 465).")]
    public bool SmtpSsl { get; set; }

    /// <summary>Allow sending the password over a connection that is not encrypted.</summary>
    /// <remarks>Off by default: a server that offers no STARTTLS would otherwise receive the password in clear text.</remarks>
    [Parameter("smtp_allow_insecure_auth"), Description("Allow logging in over an unencrypted connection (a server without TLS). Off: such a login is refused before the password is sent.")]
    public bool SmtpAllowInsecureAuth { get; set; }

    /// <summary>Seconds one connection may take for each step before giving up.</summary>
    [Parameter("smtp_timeout_seconds"), Range(1, 600), Description("Seconds a connect, command or upload may take.")]
    public int SmtpTimeoutSeconds { get; set; } = 30;

    /// <summary>Subject line.</summary>
    [Required, Parameter("email_subject"), Description("Subject line.")]
    public string EmailSubject { get; set; } = "";

    /// <summary>Plain-text body.</summary>
    [Parameter("email_body"), Description("Plain-text body.")]
    public string? EmailBody { get; set; }

    /// <summary>HTML body; with a text body too, the message carries both.</summary>
    [Parameter("email_body_html"), Description("HTML body; with a plain-text body too, mail readers choose.")]
    public string? EmailBodyHtml { get; set; }

    /// <summary>Recipients, separated by commas.</summary>
    [Required, Parameter("email_to"), Description("Recipients, separated by commas: \"Ada <ada@example.com>, bob@example.com\".")]
    public string EmailTo { get; set; } = "";

    /// <summary>Copy recipients, separated by commas.</summary>
    [Parameter("email_cc"), Description("Copy recipients, separated by commas.")]
    public string? EmailCc { get; set; }

    /// <summary>Blind-copy recipients, separated by commas; they never appear in the headers.</summary>
    [Parameter("email_bcc"), Description("Blind-copy recipients, separated by commas.")]
    public string? EmailBcc { get; set; }

    /// <summary>Sender address.</summary>
    [Required, Parameter("email_from"), Description("Sender: \"Switchboard <noreply@example.com>\".")]
    public string EmailFrom { get; set; } = "";

    /// <summary>Where replies go.</summary>
    [Parameter("email_reply_to"), Description("Where replies go, separated by commas.")]
    public string? EmailReplyTo { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A host MailKit cannot even parse is the caller's mistake, not a connection failure worth retrying.
        if (!string.IsNullOrWhiteSpace(SmtpHost) && Uri.CheckHostName(SmtpHost.Trim()) == UriHostNameType.Unknown)
            yield return new ValidationResult("is not a valid host name or IP address", [nameof(SmtpHost)]);
        if (string.IsNullOrWhiteSpace(EmailBody) && string.IsNullOrWhiteSpace(EmailBodyHtml))
            yield return new ValidationResult("needs a text or an HTML body", [nameof(EmailBody)]);
        if (SmtpStarttls && SmtpSsl)
            yield return new ValidationResult("choose STARTTLS or SSL, not both", [nameof(SmtpSsl)]);
    }
}
