namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Client-credentials settings, from <c>Switchboard:Zeebe</c> or the variables Camunda's clients read; null when not configured.</summary>
internal sealed record OAuthSettings(Uri TokenUrl, string ClientId, string ClientSecret, string? Audience, string? Scope)
{
    public static OAuthSettings? Resolve(ZeebeOptions options, IConfiguration configuration)
    {
        string? Pick(string? configured, params string[] names) =>
            !string.IsNullOrWhiteSpace(configured) ? configured : names.Select(n => configuration[n]).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

        var id = Pick(options.ClientId, "ZEEBE_CLIENT_ID", "CAMUNDA_CLIENT_ID");
        var secret = Pick(options.ClientSecret, "ZEEBE_CLIENT_SECRET", "CAMUNDA_CLIENT_SECRET");
        var url = Pick(options.AuthorizationServerUrl, "ZEEBE_AUTHORIZATION_SERVER_URL", "CAMUNDA_OAUTH_URL");
        if (id is null && secret is null)
            return null;
        if (id is null || secret is null || url is null)
            throw new InvalidOperationException("Zeebe OAuth needs a client id, a client secret and an authorization server URL together (Switchboard:Zeebe:ClientId, ClientSecret, AuthorizationServerUrl)");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var tokenUrl) || (tokenUrl.Scheme != Uri.UriSchemeHttps && tokenUrl.Scheme != Uri.UriSchemeHttp))
            throw new InvalidOperationException($"Switchboard:Zeebe:AuthorizationServerUrl '{url}' is not an http(s) URL");
        return new OAuthSettings(tokenUrl, id, secret, Pick(options.Audience, "ZEEBE_TOKEN_AUDIENCE", "CAMUNDA_TOKEN_AUDIENCE"),
            Pick(options.Scope, "ZEEBE_TOKEN_SCOPE", "CAMUNDA_TOKEN_SCOPE"));
    }

    /// <summary>Never prints the secret.</summary>
    public override string ToString() => $"client {ClientId} at {TokenUrl.GetLeftPart(UriPartial.Path)}";
}
