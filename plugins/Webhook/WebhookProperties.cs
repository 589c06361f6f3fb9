using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Webhook;

/// <summary>The properties Camunda's webhook element templates write (<c>inbound.*</c>), with their values.</summary>
public sealed class WebhookProperties
{
    [Parameter("inbound.context"), Required, Description("The path the webhook listens on: /inbound/{context}.")]
    public string Context { get; set; } = "";

    [Parameter("inbound.method"), AllowedValues("any", "get", "post", "put", "delete"), Description("The HTTP method accepted; others are refused with 405.")]
    public string Method { get; set; } = "any";

    [Parameter("inbound.shouldValidateHmac"), AllowedValues("enabled", "disabled"), Description("Whether requests must carry a valid HMAC signature.")]
    public string ShouldValidateHmac { get; set; } = "disabled";

    [Parameter("inbound.hmacSecret"), Secret, Description("The shared secret the signature is computed with.")]
    public string? HmacSecret { get; set; }

    [Parameter("inbound.hmacHeader"), Description("The header carrying the signature, e.g. X-Hub-Signature-256.")]
    public string? HmacHeader { get; set; }

    [Parameter("inbound.hmacAlgorithm"), AllowedValues("sha_1", "sha_256", "sha_512"), Description("The hash the signature uses.")]
    public string HmacAlgorithm { get; set; } = "sha_256";
}
