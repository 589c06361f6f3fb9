using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>The bytes a webhook's HMAC signature covers, chosen by <c>inbound.hmacScopes</c> as Camunda's webhook
/// connector chooses them: the raw body (no scopes, or <c>body</c>); the URL followed by the body
/// (<c>url, body</c>); the URL, <c>?</c> and the query parameters (<c>url, parameters</c>); all three: the URL and the
/// parameters for a GET, the URL and the body otherwise (Twilio's template sets these three).</summary>
/// <remarks>
/// With the URL, a form body or a JSON object of strings is signed as its fields sorted by name, each name followed by
/// its value (Twilio's rule); any other body as it came. The URL is the one the host received, without its query.
/// </remarks>
internal sealed record SignedContent(string Covers, Func<WebhookRequest, byte[]> Bytes)
{
    /// <summary>The raw body, as it came.</summary>
    public static readonly SignedContent Body = new("body", request => request.Body.ToArray());

    private static readonly SignedContent UrlAndBody = new("URL and body", request => Encoding.UTF8.GetBytes(request.Url + BodyText(request)));

    private static readonly SignedContent UrlAndParameters = new("URL and query parameters", request => Encoding.UTF8.GetBytes(
        request.Url + "?" + string.Join("&", request.Query.Select(p => JavaUrlEncoding.Encode(p.Key) + "=" + JavaUrlEncoding.Encode(p.Value)))));

    /// <summary>What the scopes (the values of a FEEL list such as <c>=["url","body"]</c>) cover for a request made with
    /// <paramref name="method"/>; the problem when the combination is one Camunda's connector does not sign either.</summary>
    public static (SignedContent? Content, string? Problem) For(IReadOnlyList<string> scopes, string method)
    {
        var named = new HashSet<string>(scopes.Select(s => s.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        if (named.Count == 0 || named.SetEquals(["body"]))
            return (Body, null);
        if (named.SetEquals(["url", "body"]))
            return (UrlAndBody, null);
        if (named.SetEquals(["url", "parameters"]))
            return (UrlAndParameters, null);
        if (named.SetEquals(["url", "body", "parameters"]))
            return (method.Equals("GET", StringComparison.OrdinalIgnoreCase) ? UrlAndParameters : UrlAndBody, null);
        return (null, $"inbound.hmacScopes [{string.Join(", ", scopes)}] is not a combination a signature can cover here: use [body], [url, body], [url, parameters] or [url, body, parameters]");
    }

    private static string BodyText(WebhookRequest request)
    {
        var text = Encoding.UTF8.GetString(request.Body.Span);
        if (request.Headers.TryGetValue("content-type", out var type) &&
            type.Split(';')[0].Trim().Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return Sorted(FormFields(text));
        try
        {
            if (JsonNode.Parse(text) is JsonObject fields && fields.Count > 0 &&
                fields.All(f => f.Value is JsonValue value && value.GetValueKind() == JsonValueKind.String))
                return Sorted(fields.Select(f => (f.Key, f.Value!.GetValue<string>())));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Not JSON, or an object that names a member twice (JsonObject finds that only as its members are read, and
            // throws ArgumentException): signed as it came, as the host gives such a body to FEEL as its text.
        }
        return text;
    }

    private static IEnumerable<(string Name, string Value)> FormFields(string body)
    {
        var form = HttpUtility.ParseQueryString(body);
        return form.AllKeys.Select(name => (name ?? "", form[name] ?? ""));
    }

    private static string Sorted(IEnumerable<(string Name, string Value)> fields) =>
        string.Concat(fields.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => f.Name + f.Value));
}
