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
            if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.Region))
                return null;
            // Each becomes a label of the gateway's host name: anything else would make another address out of them
            // ("user:pw@elsewhere:26500/x#" was a gateway of its own choosing, a region "x:y" an unhandled exception).
            Label(options.ClusterId, "Switchboard:Zeebe:ClusterId (or CAMUNDA_CLUSTER_ID)");
            Label(options.Region, "Switchboard:Zeebe:Region (or CAMUNDA_CLUSTER_REGION)");
            return new Uri($"https://{options.ClusterId}.{options.Region}.zeebe.camunda.io:443");
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

    // A DNS label: letters, digits and inner hyphens, at most 63 characters.
    private static void Label(string value, string setting)
    {
        if (value.Length > 63 || value[0] == '-' || value[^1] == '-' || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new InvalidOperationException($"{setting} must be a cluster id or region such as bru-2: letters, digits and hyphens, at most 63 ("
                + "the value set has other characters; it is not shown, as it may hold a credential)");
    }
}
