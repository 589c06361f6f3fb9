using Switchboard.Host.Logging;

namespace Switchboard.Host.Callbacks;

/// <summary>The one policy for where a callback may go, for every protocol that calls back: an absolute http(s) URL,
/// and, when entries are configured, one they allow.</summary>
/// <remarks>
/// An entry with a scheme is an origin (<c>https://backend.example:7000</c>): scheme, host and port must match. Any
/// other entry is a host name (<c>callbacks.example.com</c>), or <c>*.domain</c> for its subdomains, on any port.
/// The URL comes from the request while the callback carries the operator's credentials, so without entries a
/// caller may send it anywhere.
/// </remarks>
internal sealed class CallbackTargets(IEnumerable<string> allowed, string setting)
{
    private readonly string[] _allowed = allowed.Select(a => a.Trim()).Where(a => a.Length > 0).Select(ComparedForm).ToArray();

    /// <summary>Why <paramref name="entry"/> can match no callback URL (a host written with a port, an origin with a
    /// wildcard), or null when it can; checked at start, so that a typo stops the host instead of refusing every callback
    /// the operator meant to allow.</summary>
    public static string? EntryProblem(string entry)
    {
        var trimmed = entry.Trim();
        if (trimmed.Length == 0)
            return null;
        if (trimmed.Contains("://", StringComparison.Ordinal))
            return trimmed.Contains('*') || !Uri.TryCreate(trimmed, UriKind.Absolute, out var origin) || (origin.Scheme != Uri.UriSchemeHttp && origin.Scheme != Uri.UriSchemeHttps)
                ? "an origin must be an absolute http or https URL without wildcards, such as https://backend.example:7000"
                : null;
        var host = ComparedForm(trimmed.StartsWith("*.", StringComparison.Ordinal) ? trimmed[2..] : trimmed);
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? null
            : "a host entry is a host name such as callbacks.example.com, or *.example.com for its subdomains, without a scheme, port or path (to name a port, write the origin, such as http://127.0.0.1:7000)";
    }

    // A host entry as URLs are compared (see HostOf): a name written in Unicode (bücher.example) in its ASCII form, an
    // IPv6 address without the brackets a URL writes around it ([::1]), a fully qualified name without its final dot.
    private static string ComparedForm(string entry)
    {
        if (entry.Contains("://", StringComparison.Ordinal))
            return entry;
        if (entry.Length > 2 && entry[0] == '[' && entry[^1] == ']')
            entry = entry[1..^1];
        var wildcard = entry.StartsWith("*.", StringComparison.Ordinal) ? "*." : "";
        try
        {
            return wildcard + WithoutFinalDot(new System.Globalization.IdnMapping().GetAscii(entry[wildcard.Length..]));
        }
        catch (ArgumentException)
        {
            return entry; // not a name IDNA can write; it matches what it matches as written, and EntryProblem names it
        }
    }

    /// <summary>Whether entries restrict the targets.</summary>
    public bool Restricted => _allowed.Length > 0;

    /// <summary>The problem with <paramref name="text"/> as a callback URL, or null with <paramref name="url"/> set.</summary>
    public string? Check(string text, out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            return "must be an absolute http or https URL";
        if (Restricted && !_allowed.Any(entry => Matches(parsed, entry)))
            return $"points at {LoggableUrl.Of(parsed)}, which {setting} does not allow";
        url = parsed;
        return null;
    }

    private static bool Matches(Uri url, string entry)
    {
        var host = HostOf(url);
        if (entry.Contains("://", StringComparison.Ordinal))
            return Uri.TryCreate(entry, UriKind.Absolute, out var origin)
                   && origin.Scheme == url.Scheme && origin.Port == url.Port
                   && string.Equals(HostOf(origin), host, StringComparison.OrdinalIgnoreCase);
        if (entry.StartsWith("*.", StringComparison.Ordinal))
            return host.EndsWith(entry[1..], StringComparison.OrdinalIgnoreCase) && host.Length > entry.Length - 1;
        return string.Equals(host, entry, StringComparison.OrdinalIgnoreCase);
    }

    // The host as entries are compared: IdnHost (ASCII, an IPv6 address without brackets), and a fully qualified name
    // (callbacks.example.com.) as the same host without its final dot, which DNS resolves to the same address.
    private static string HostOf(Uri url) => WithoutFinalDot(url.IdnHost);

    private static string WithoutFinalDot(string host) => host.Length > 1 && host[^1] == '.' ? host[..^1] : host;
}
