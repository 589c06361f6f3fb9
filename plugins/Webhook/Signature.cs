using System.Security.Cryptography;
using System.Text;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

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
