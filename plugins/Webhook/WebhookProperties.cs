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

    [Parameter("inbound.hmacScopes"), Description("What the signature covers, a FEEL list (Camunda's rules): =[\"body\"] (the default), =[\"url\",\"body\"], =[\"url\",\"parameters\"] or =[\"url\",\"body\",\"parameters\"] (Twilio's).")]
    public string? HmacScopes { get; set; }

    [Parameter("inbound.auth.type"), AllowedValues("NONE", "BASIC", "APIKEY", "JWT"), Description("How callers authenticate.")]
    public string AuthType { get; set; } = "NONE";

    [Parameter("inbound.auth.username"), Description("The user name basic authentication expects.")]
    public string? Username { get; set; }

    [Parameter("inbound.auth.password"), Secret, Description("The password basic authentication expects.")]
    public string? Password { get; set; }

    [Parameter("inbound.auth.apiKey"), Secret, Description("The API key callers must send.")]
    public string? ApiKey { get; set; }

    [Parameter("inbound.auth.apiKeyLocator"), Description("FEEL over the request giving the key: =split(request.headers.authorization, \" \")[2] (the default), =request.headers.apikey, =get value(request.headers, \"x-api-key\") or =request.params.key.")]
    public string ApiKeyLocator { get; set; } = "=split(request.headers.authorization, \" \")[2]";

    [Parameter("inbound.auth.jwt.jwkUrl"), Description("JWT: the URL of the JSON Web Key Set the tokens are signed with.")]
    public string? JwkUrl { get; set; }

    [Parameter("inbound.auth.jwt.permissionsExpression"), Description("JWT: FEEL over the token's payload giving its permissions, e.g. =if admin = true then [\"admin\"] else roles.")]
    public string? PermissionsExpression { get; set; }

    [Parameter("inbound.auth.jwt.requiredPermissions"), Description("JWT: FEEL giving the permissions a token must have, e.g. =[\"admin\"].")]
    public string? RequiredPermissions { get; set; }
}
