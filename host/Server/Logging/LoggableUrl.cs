using System.Text.RegularExpressions;

namespace Switchboard.Host.Logging;

/// <summary>A URL as logs and error messages may show it.</summary>
internal static partial class LoggableUrl
{
    /// <summary>Scheme, host and port only: the user part carries passwords, and paths and queries carry tokens (webhook URLs, signed links).</summary>
    public static string Of(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) : "(relative URL)";

    /// <summary>
    /// A configured address echoed in the error that refuses it. The operator needs to see what they wrote to fix it, so the
    /// text is kept, but what may be a password (a user part before an <c>@</c>) or a token (a query) is masked, whether or
    /// not the text parses as a URL, and it is cut to 200 characters.
    /// </summary>
    public static string OfSetting(string text)
    {
        var masked = Query().Replace(UserPart().Replace(text, "${scheme}***@"), "?***");
        return masked.Length <= 200 ? masked : masked[..200] + "…";
    }

    /// <summary>Free text from a peer (a gateway's error detail) with the user part of every URL in it masked: a peer
    /// naming the address it failed to reach names its credentials with it.</summary>
    public static string InText(string text) => text.Contains("://", StringComparison.Ordinal) ? UserPartInText().Replace(text, "${scheme}***@") : text;

    // Up to the last '@' before the URL's path, its end or a space.
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#]*@")]
    private static partial Regex UserPartInText();

    // Everything up to the last '@' before the path: a password may itself hold '@', ':' or '/'-free text of any kind.
    [GeneratedRegex(@"^(?<scheme>[^:/?#@]*://)?[^/?#]*@")]
    private static partial Regex UserPart();

    [GeneratedRegex(@"\?.*$", RegexOptions.Singleline)]
    private static partial Regex Query();
}
