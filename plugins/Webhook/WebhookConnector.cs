using System.Security.Cryptography;
using System.Text;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>Camunda's webhook connector (<c>io.camunda:webhook:1</c>): accepts requests on its path, refusing a wrong
/// method (405) or a missing or wrong HMAC signature (401); the host correlates what it accepts.</summary>
[InboundConnector("io.camunda:webhook:1", Name = "Webhook", Description = "Starts a process or correlates a message when an HTTP request arrives.")]
public sealed class WebhookConnector : IWebhookConnector<WebhookProperties>
{
    public Task<WebhookResult> HandleAsync(WebhookProperties properties, WebhookRequest request, IInboundContext context)
    {
        if (properties.Method != "any" && !string.Equals(properties.Method, request.Method, StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(WebhookResult.Reject(405, $"this webhook accepts {properties.Method.ToUpperInvariant()} only, not {request.Method}"));
        if (properties.ShouldValidateHmac == "enabled" && Signature.Check(properties, request) is { } problem)
            return Task.FromResult(WebhookResult.Reject(401, problem));
        if (Credentials.Check(properties, request) is { } refused)
            return Task.FromResult(WebhookResult.Reject(401, refused));
        return Task.FromResult(WebhookResult.Accept());
    }
}

/// <summary>HMAC of the raw body with the shared secret, compared in constant time with the header's hex value (a
/// <c>sha256=</c>-style prefix, as GitHub sends, is allowed).</summary>
internal static class Signature
{
    public static string? Check(WebhookProperties properties, WebhookRequest request)
    {
        if (string.IsNullOrEmpty(properties.HmacSecret) || string.IsNullOrEmpty(properties.HmacHeader))
            return "HMAC validation is enabled but inbound.hmacSecret or inbound.hmacHeader is not set";
        if (!request.Headers.TryGetValue(properties.HmacHeader, out var sent) || string.IsNullOrWhiteSpace(sent))
            return $"the request carries no {properties.HmacHeader} signature";
        var key = Encoding.UTF8.GetBytes(properties.HmacSecret);
        var expected = properties.HmacAlgorithm switch
        {
            "sha_1" => HMACSHA1.HashData(key, request.Body.Span),
            "sha_512" => HMACSHA512.HashData(key, request.Body.Span),
            _ => HMACSHA256.HashData(key, request.Body.Span),
        };
        var hex = sent.Trim();
        if (hex.IndexOf('=') is var equals and > 0)
            hex = hex[(equals + 1)..];
        byte[] given;
        try
        {
            given = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return $"the {properties.HmacHeader} signature is not hexadecimal";
        }
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : $"the {properties.HmacHeader} signature does not match the body";
    }
}

/// <summary>Basic authentication and API keys, as Camunda's webhook template configures them; compared in constant time.</summary>
internal static class Credentials
{
    public static string? Check(WebhookProperties properties, WebhookRequest request) => properties.AuthType switch
    {
        "BASIC" => Basic(properties, request),
        "APIKEY" => ApiKey(properties, request),
        _ => null,
    };

    private static string? Basic(WebhookProperties properties, WebhookRequest request)
    {
        if (properties.Username is null || properties.Password is null)
            return "basic authentication is enabled but inbound.auth.username or inbound.auth.password is not set";
        if (!request.Headers.TryGetValue("authorization", out var header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return "the request carries no basic credentials";
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return "the basic credentials are not base64";
        }
        return Same(decoded, properties.Username + ":" + properties.Password) ? null : "the user name or password is wrong";
    }

    private static string? ApiKey(WebhookProperties properties, WebhookRequest request)
    {
        if (properties.ApiKey is null)
            return "API key authentication is enabled but inbound.auth.apiKey is not set";
        var locator = properties.ApiKeyLocator.Trim();
        string? sent;
        if (locator.Replace(" ", "") == "=split(request.headers.authorization,\"\")[2]")
            sent = request.Headers.TryGetValue("authorization", out var header) && header.Split(' ') is { Length: >= 2 } parts ? parts[1] : null;
        else if (locator.StartsWith("=request.headers.", StringComparison.Ordinal))
            sent = request.Headers.TryGetValue(locator["=request.headers.".Length..], out var value) ? value : null;
        else if (locator.StartsWith("=request.params.", StringComparison.Ordinal))
            sent = request.Query.TryGetValue(locator["=request.params.".Length..], out var value) ? value : null;
        else
            return $"inbound.auth.apiKeyLocator '{locator}' is not supported: use the default, =request.headers.<name> or =request.params.<name>";
        return sent is not null && Same(sent, properties.ApiKey) ? null : "the API key is missing or wrong";
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
