namespace Switchboard.Host.Protocols.Csp;

/// <summary>Checks a callback URL: absolute http(s), and on the allow-list when one is configured.</summary>
internal static class CspCallbackUrl
{
    /// <summary>The problem with <paramref name="text"/> as a callback URL, or null with <paramref name="url"/> set.</summary>
    public static string? Check(string text, IReadOnlyList<string> allowedHosts, out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            return "must be an absolute http or https URL";
        if (allowedHosts.Count > 0 && !allowedHosts.Any(allowed => Matches(parsed.IdnHost, allowed)))
            return $"points at host '{parsed.Host}', which is not in the callback allow-list";
        url = parsed;
        return null;
    }

    private static bool Matches(string host, string allowed)
    {
        allowed = allowed.Trim();
        if (allowed.StartsWith("*.", StringComparison.Ordinal))
            return host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase) && host.Length > allowed.Length - 1;
        return string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase);
    }
}
