using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;

namespace Switchboard.TestPlugins.TemplateFixture;

/// <summary>Pretends to send mail; only its input shapes matter, to the element template tests.</summary>
/// <remarks>Keeps the obsolete <c>SpiffCommand</c> property on purpose: connectors written against 1.0 still publish their command.</remarks>
#pragma warning disable CS0618
[Connector("test.switchboard:mailer:2", Name = "Mailer", Version = 2, Description = "Sends a message.",
    DocumentationUrl = "https://example.com/docs/mailer", SpiffCommand = "mailer/Send")]
#pragma warning restore CS0618
public sealed class MailerConnector
{
    [Operation]
    public MailerOutput Send(MailerInput input) => new() { Accepted = input.To.Count };
}

public sealed class MailerInput
{
    [Required, Description("Where the mail server is.")]
    public ServerSettings Server { get; set; } = new();

    [Description("Optional login; its fields are required only once it is given.")]
    public Credentials? Login { get; set; }

    [Required, MinLength(1)]
    public List<string> To { get; set; } = [];

    public Dictionary<string, string>? Headers { get; set; }

    [Parameter(Multiline = true), Description("The message text.")]
    public string Body { get; set; } = "";

    public int Priority { get; set; } = 3;

    public bool Html { get; set; } = true;

    public DateTime? SendAt { get; set; }

    [AllowedValues("low", "normal", "high")]
    public string Importance { get; set; } = "normal";
}

public sealed class ServerSettings
{
    [Required]
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    [Required]
    public Security Security { get; set; } = Security.StartTls;
}

public sealed class Credentials
{
    [Required]
    public string User { get; set; } = "";

    [Required, Secret]
    public string ApiKey { get; set; } = "";
}

public enum Security
{
    None,
    StartTls,
    Tls,
}

public sealed class MailerOutput
{
    public int Accepted { get; set; }
}
