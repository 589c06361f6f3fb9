using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Where the gateway is, read as Camunda's clients read it (the environment aliases are applied by <see cref="ZeebeOptionsSetup"/>).</summary>
internal static class ZeebeAddress
{
    /// <summary>The gateway URI, or null when none is configured; throws a clear error for an address that cannot be one.</summary>
    public static Uri? Resolve(ZeebeOptions options)
    {
        var text = string.IsNullOrWhiteSpace(options.Address) ? null : options.Address.Trim();
        if (text is null)
        {
            // Camunda SaaS: the cluster's gateway, always TLS on 443.
            return !string.IsNullOrWhiteSpace(options.ClusterId) && !string.IsNullOrWhiteSpace(options.Region)
                ? new Uri($"https://{options.ClusterId}.{options.Region}.zeebe.camunda.io:443")
                : null;
        }
        var bare = !text.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(bare ? "http://" + text : text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
            throw new InvalidOperationException($"Switchboard:Zeebe:Address '{LoggableUrl.OfSetting(text)}' is not a gateway address: use host:port or http(s)://host:port");
        if (!bare)
            return uri;
        // Camunda's clients take host:port and mean port 26500; plaintext unless told to use TLS or given a CA to trust.
        var tls = options.Insecure == false || (options.Insecure is null && !string.IsNullOrWhiteSpace(options.CaCertificatePath));
        return new UriBuilder(uri) { Scheme = tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, Port = uri.IsDefaultPort ? 26500 : uri.Port }.Uri;
    }
}
