namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Where the gateway is, from our setting or the environment variables Camunda's clients already read.</summary>
internal static class ZeebeAddress
{
    private static readonly string[] EnvironmentNames = ["ZEEBE_GRPC_ADDRESS", "ZEEBE_ADDRESS", "CAMUNDA_GRPC_ADDRESS"];

    /// <summary>The gateway URI, or null when none is configured; throws a clear error for an address that cannot be one.</summary>
    public static Uri? Resolve(ZeebeOptions options, IConfiguration configuration)
    {
        string? Setting(string? configured, params string[] names) =>
            !string.IsNullOrWhiteSpace(configured) ? configured.Trim() : names.Select(n => configuration[n]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

        var text = Setting(options.Address, EnvironmentNames);
        if (text is null)
        {
            var cluster = Setting(options.ClusterId, "CAMUNDA_CLUSTER_ID");
            var region = Setting(options.Region, "CAMUNDA_CLUSTER_REGION");
            // Camunda SaaS: the cluster's gateway, always TLS on 443.
            return cluster is not null && region is not null ? new Uri($"https://{cluster}.{region}.zeebe.camunda.io:443") : null;
        }
        var bare = !text.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(bare ? "http://" + text : text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
            throw new InvalidOperationException($"Switchboard:Zeebe:Address '{text}' is not a gateway address: use host:port or http(s)://host:port");
        if (!bare)
            return uri;
        // Camunda's clients take host:port and mean port 26500; plaintext unless told to use TLS or given a CA to trust.
        var insecure = options.Insecure ?? (bool.TryParse(Setting(null, "ZEEBE_INSECURE_CONNECTION", "CAMUNDA_INSECURE_CONNECTION"), out var flag) ? flag : null);
        var tls = insecure == false || (insecure is null && CaCertificatePath(options, configuration) is not null);
        return new UriBuilder(uri) { Scheme = tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, Port = uri.IsDefaultPort ? 26500 : uri.Port }.Uri;
    }

    /// <summary>The CA certificate file to trust for the gateway, or null.</summary>
    public static string? CaCertificatePath(ZeebeOptions options, IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(options.CaCertificatePath) ? options.CaCertificatePath
            : new[] { "ZEEBE_CA_CERTIFICATE_PATH", "CAMUNDA_CA_CERTIFICATE_PATH" }.Select(n => configuration[n]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
