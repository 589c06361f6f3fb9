using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http;

/// <summary>The request's URL, headers and body from the input, refusing what cannot be sent.</summary>
internal static class RequestBuilder
{
    public static Uri Url(HttpReadInput input, string paramsField = "params")
    {
        if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ConnectorInputException("InvalidUrl", "must be an absolute http:// or https:// URL") { Field = "url" };
        if (input.Params is null)
            return url;
        if (input.Params is not JsonObject parameters)
            throw new ConnectorInputException("InvalidParameters", "must be an object of query parameters") { Field = paramsField };
        var query = new StringBuilder(url.Query.TrimStart('?'));
        foreach (var (name, value) in parameters)
        {
            var values = value is JsonArray list ? list.Select(Text) : [Text(value)];
            foreach (var text in values)
                query.Append(query.Length > 0 ? "&" : "").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(text));
        }
        return new UriBuilder(url) { Query = query.ToString() }.Uri;
    }

    public static void AddHeaders(HttpRequestMessage request, HttpReadInput input)
    {
        foreach (var (name, value) in input.Headers ?? [])
        {
            // Headers are added without the typed parsers (which refuse many real-world values), so the wire-level
            // rules are checked here: a CR or LF in a value would otherwise split the request.
            if ((HeaderProblem(name, value) ?? FramingProblem(name, value, request.Content)) is { } problem)
                throw new ConnectorInputException("InvalidHeader", problem) { Field = "headers" };
            // Content headers (Content-Type) belong to the body; the rest to the request.
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (input.CredentialHeaders.Count > 0)
            request.Options.Set(RedirectHandler.CredentialHeaders, [.. input.CredentialHeaders]);
        if (!string.IsNullOrEmpty(input.BasicAuthUsername))
            request.Headers.Authorization = Basic(input.BasicAuthUsername, input.BasicAuthPassword);
        // A URL's user part is basic authentication, as SpiffArena's own HTTP commands (Python requests) send it;
        // HttpClient drops it silently. Authentication given otherwise wins.
        else if (request.Headers.Authorization is null && request.RequestUri is { UserInfo: { Length: > 0 } userInfo })
        {
            var colon = userInfo.IndexOf(':');
            request.Headers.Authorization = colon < 0
                ? Basic(Uri.UnescapeDataString(userInfo), null)
                : Basic(Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string? password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>What makes a header unsendable: a name that is not an RFC 9110 token, or a value with a control character other than tab.</summary>
    internal static string? HeaderProblem(string name, string? value)
    {
        if (name.Length == 0)
            return "a header name is empty";
        if (!name.All(IsTokenChar))
            return $"header name '{Printable(name)}' has characters a header name cannot have (only letters, digits and !#$%&'*+-.^_`|~)";
        if (value is not null && value.Any(c => c is '\r' or '\n' or '\0' || (char.IsControl(c) && c != '\t')))
            return $"the value of header '{name}' contains a control character (CR, LF, NUL or another), which cannot be sent";
        // .NET refuses them while sending, which came back as a retryable connection failure for the caller's own input.
        if (value is not null && value.Any(c => c > '\u007e'))
            return $"the value of header '{name}' has characters beyond ASCII, which a header cannot carry as written (encode the value, e.g. as Base64 or percent-encoded UTF-8)";
        return null;
    }

    // The body's framing is the connector's to write: a Transfer-Encoding it does not apply (anything but chunked, or
    // chunked without a body) went out as written, beside a Content-Length or on a request with no body, and a server or
    // proxy framing the request by it took the next request on the connection (another caller's) for this one's body.
    // A Content-Length is the body's own length, which the connector writes: another one failed the request as it was sent,
    // reported as a retryable connection failure.
    private static string? FramingProblem(string name, string? value, HttpContent? content) =>
        name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
        && (content is null || !string.Equals(value?.Trim(), "chunked", StringComparison.OrdinalIgnoreCase))
            ? "header 'Transfer-Encoding' frames the body, which the connector does: only 'chunked', on a request with a body, may be asked for"
            : name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                ? "header 'Content-Length' is the body's length, which the connector sets itself"
                : null;

    private static bool IsTokenChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    // The refused name is echoed back; control characters are shown escaped so the message itself stays one line.
    private static string Printable(string text)
    {
        var shown = text.Length > 100 ? text[..100] + "…" : text;
        var builder = new StringBuilder(shown.Length);
        foreach (var c in shown)
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return builder.ToString();
    }

    /// <summary>The URL as messages and logs may show it: scheme, host, port and path; never the user part or the query, which carry credentials.</summary>
    public static string Loggable(Uri url) =>
        url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    public static HttpContent? Body(HttpWriteInput input, string dataField = "data") => input.BodyFormat switch
    {
        BodyFormat.None => null,
        _ when input.Data is null => null,
        BodyFormat.Json => new StringContent(input.Data.ToJsonString(), Encoding.UTF8, "application/json"),
        BodyFormat.Raw => new StringContent(Text(input.Data), Encoding.UTF8, "text/plain"),
        BodyFormat.Form when input.Data is JsonObject form => new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Key, Text(p.Value)))),
        _ => throw new ConnectorInputException("InvalidParameters", $"a form body ({(dataField == "data" ? "body_format form" : "Content-Type application/x-www-form-urlencoded")}) must be an object") { Field = dataField },
    };

    // Strings go as they are, anything else as its JSON text (numbers, booleans, nested values).
    private static string Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString() ?? "";
}
