namespace Switchboard.Host.Logging;

/// <summary>A URL as logs and error messages may show it.</summary>
internal static class LoggableUrl
{
    /// <summary>Scheme, host and port only: the user part carries passwords, and paths and queries carry tokens (webhook URLs, signed links).</summary>
    public static string Of(Uri url) =>
        url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) : "(relative URL)";
}
