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

    // Everything up to the last '@' before the path: a password may itself hold '@', ':' or '/'-free text of any kind.
    [GeneratedRegex(@"^(?<scheme>[^:/?#@]*://)?[^/?#]*@")]
    private static partial Regex UserPart();

    [GeneratedRegex(@"\?.*$", RegexOptions.Singleline)]
    private static partial Regex Query();
}
