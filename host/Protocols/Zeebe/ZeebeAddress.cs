namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Where the gateway is, from our setting or the environment variables Camunda's clients already read.</summary>
internal static class ZeebeAddress
{
    private static readonly string[] EnvironmentNames = ["ZEEBE_GRPC_ADDRESS", "ZEEBE_ADDRESS", "CAMUNDA_GRPC_ADDRESS"];

    /// <summary>The gateway URI, or null when none is configured; throws a clear error for an address that cannot be one.</summary>
    public static Uri? Resolve(ZeebeOptions options, IConfiguration configuration)
    {
        var text = options.Address;
        foreach (var name in EnvironmentNames)
            text = string.IsNullOrWhiteSpace(text) ? configuration[name] : text;
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        // Camunda's clients take host:port and mean plaintext on 26500 unless told otherwise.
        var bare = !text.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(bare ? "http://" + text : text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
            throw new InvalidOperationException($"Switchboard:Zeebe:Address '{text}' is not a gateway address: use host:port or http(s)://host:port");
        return bare && uri.IsDefaultPort ? new UriBuilder(uri) { Port = 26500 }.Uri : uri;
    }
}
