using System.Security.Cryptography;
using System.Text;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>HMAC of what <c>inbound.hmacScopes</c> covers (<see cref="SignedContent"/>; the raw body by default) with the
/// shared secret, compared in constant time with the header's value, which Camunda's connector takes in three forms:
/// hexadecimal, hexadecimal after a tag (<c>sha256=...</c>, as GitHub sends), or base64 (as Shopify and Twilio send).</summary>
internal static class Signature
{
    public static string? Check(WebhookProperties properties, WebhookRequest request, SignedContent content)
    {
        if (string.IsNullOrEmpty(properties.HmacSecret) || string.IsNullOrEmpty(properties.HmacHeader))
            return "HMAC validation is enabled but inbound.hmacSecret or inbound.hmacHeader is not set";
        if (!request.Headers.TryGetValue(properties.HmacHeader, out var sent) || string.IsNullOrWhiteSpace(sent))
            return $"the request carries no {properties.HmacHeader} signature";
        var key = Encoding.UTF8.GetBytes(properties.HmacSecret);
        var signed = content.Bytes(request);
        var expected = properties.HmacAlgorithm switch
        {
            "sha_1" => HMACSHA1.HashData(key, signed),
            "sha_512" => HMACSHA512.HashData(key, signed),
            _ => HMACSHA256.HashData(key, signed),
        };
        sent = sent.Trim();
        var untagged = sent.IndexOf('=') is var equals and > 0 && sent.IndexOf('=', equals + 1) < 0 ? sent[(equals + 1)..] : sent;
        // Compared as text, each form in constant time: which form the sender used is no secret.
        var matches = Same(sent, Convert.ToHexString(expected)) | Same(untagged, Convert.ToHexString(expected)) |
            SameExactly(sent, Convert.ToBase64String(expected));
        return matches ? null : $"the {properties.HmacHeader} signature does not match the {content.Covers}";
    }

    // Hexadecimal in either case.
    private static bool Same(string given, string expected) => SameExactly(given.ToUpperInvariant(), expected);

    private static bool SameExactly(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
