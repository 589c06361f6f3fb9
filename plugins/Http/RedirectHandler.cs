using System.Net;

namespace Switchboard.Plugins.Http;

/// <summary>Follows redirects as <see cref="SocketsHttpHandler"/> does (<c>AllowAutoRedirect</c>), except for the
/// credentials: they go on to the same host and are dropped when a redirect names another, as Python requests (whose
/// rules SpiffArena's HTTP commands follow) decides it.</summary>
/// <remarks>Written by hand only because .NET offers no hook between redirect hops: <c>AllowAutoRedirect</c> drops
/// <c>Authorization</c> on every redirect, even to the same host (basic auth then failed with 401 on an API that moved
/// from /v1 to /v2), and keeps every other header on every redirect, even to another host (an API key header went to
/// whatever host a redirect named). The pools behind it must have <c>AllowAutoRedirect = false</c>.
/// Otherwise .NET's rules: 300, 301, 302, 303, 307 and 308 with a Location (relative to the current URL, its fragment
/// kept when the Location has none), at most 50 redirects (the next 3xx is the answer), 303 turns anything but HEAD into
/// a GET without body, 300/301/302 turn a POST into a GET without body, 307 and 308 keep method and body, and a
/// redirect from https to http, or to a scheme other than http and https, is not followed (the 3xx is the answer).</remarks>
internal sealed class RedirectHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Headers the connector's authentication added to the request (an API key header), dropped as
    /// <c>Authorization</c> is when a redirect names another host. Headers the user wrote themselves are not listed.</summary>
    public static readonly HttpRequestOptionsKey<string[]> CredentialHeaders = new("switchboard.credentialHeaders");

    /// <summary>SocketsHttpHandler's default <c>MaxAutomaticRedirections</c>.</summary>
    public const int MaxRedirects = 50;

    // Dropped on a redirect to another host whatever set them.
    private static readonly string[] AlwaysCredentials = ["Authorization", "Proxy-Authorization", "Cookie"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Each hop is a copy, so the caller's request is left as it was (a retry starts again from the first URL with
        // its credentials); the copies share the caller's body, which the caller disposes.
        var current = request;
        var response = await base.SendAsync(current, cancellationToken);
        for (var redirects = 0; ; redirects++)
        {
            if (Target(current.RequestUri!, response) is not { } next || redirects >= MaxRedirects)
                return response;
            var status = response.StatusCode;
            response.Dispose();
            current = Hop(current, next, status, request);
            response = await base.SendAsync(current, cancellationToken);
        }
    }

    // Where the response redirects to; null when it is the answer.
    private static Uri? Target(Uri from, HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.MultipleChoices or HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
            return null;
        if (response.Headers.Location is not { } location)
            return null;
        if (!location.IsAbsoluteUri && !Uri.TryCreate(from, location, out location!))
            return null;
        if (location.Scheme != Uri.UriSchemeHttp && location.Scheme != Uri.UriSchemeHttps)
            return null;
        // No downgrade from https to http.
        if (from.Scheme == Uri.UriSchemeHttps && location.Scheme == Uri.UriSchemeHttp)
            return null;
        // A Location without a fragment keeps the request's (RFC 9110 10.2.2), as .NET does.
        if (location.Fragment.Length == 0 && from.Fragment.Length > 0)
            location = new UriBuilder(location) { Fragment = from.Fragment[1..] }.Uri;
        return location;
    }

    private static HttpRequestMessage Hop(HttpRequestMessage from, Uri to, HttpStatusCode status, HttpRequestMessage original)
    {
        var forceGet = status == HttpStatusCode.SeeOther ? from.Method != HttpMethod.Head
            : status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.MultipleChoices && from.Method == HttpMethod.Post;
        var hop = new HttpRequestMessage(forceGet ? HttpMethod.Get : from.Method, to)
        {
            Version = from.Version,
            VersionPolicy = from.VersionPolicy,
            Content = forceGet ? null : from.Content,
        };
        var options = (IDictionary<string, object?>)hop.Options;
        foreach (var (key, value) in from.Options)
            options[key] = value;
        var dropped = SameHost(from.RequestUri!, to)
            ? []
            : AlwaysCredentials.Concat(original.Options.TryGetValue(CredentialHeaders, out var added) ? added : []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in from.Headers.NonValidated)
            if (!dropped.Contains(name) && !(forceGet && name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
                hop.Headers.TryAddWithoutValidation(name, values);
        return hop;
    }

    // requests' should_strip_auth: the same host name, and the same scheme and port or http on 80 upgraded to https on 443.
    internal static bool SameHost(Uri from, Uri to)
    {
        if (!string.Equals(from.IdnHost, to.IdnHost, StringComparison.OrdinalIgnoreCase))
            return false;
        if (from.Scheme == to.Scheme && from.Port == to.Port)
            return true;
        return from.Scheme == Uri.UriSchemeHttp && from.Port == 80 && to.Scheme == Uri.UriSchemeHttps && to.Port == 443;
    }
}
