using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Client-credentials settings, from <c>Switchboard:Zeebe</c> (or the variables Camunda's clients read, applied by <see cref="ZeebeOptionsSetup"/>); null when not configured.</summary>
internal sealed record OAuthSettings(Uri TokenUrl, string ClientId, string ClientSecret, string? Audience, string? Scope)
{
    public static OAuthSettings? Resolve(ZeebeOptions options)
    {
        static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

        var id = Set(options.ClientId);
        var secret = Set(options.ClientSecret);
        var url = Set(options.AuthorizationServerUrl);
        if (id is null && secret is null)
            return null;
        if (id is null || secret is null || url is null)
            throw new InvalidOperationException("Zeebe OAuth needs a client id, a client secret and an authorization server URL together (Switchboard:Zeebe:ClientId, ClientSecret, AuthorizationServerUrl)");
        // The value is echoed only as far as it is safe to: a password may stand before the host.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var tokenUrl))
            throw new InvalidOperationException("Switchboard:Zeebe:AuthorizationServerUrl is not an absolute http(s) URL");
        if (tokenUrl.Scheme != Uri.UriSchemeHttps && tokenUrl.Scheme != Uri.UriSchemeHttp)
            throw new InvalidOperationException($"Switchboard:Zeebe:AuthorizationServerUrl '{LoggableUrl.Of(tokenUrl)}' is not an http(s) URL");
        return new OAuthSettings(tokenUrl, id, secret, Set(options.Audience), Set(options.Scope));
    }

    /// <summary>Never prints the secret, nor what the URL may carry besides its host (a password before it, a token in its query).</summary>
    public override string ToString() => $"client {ClientId} at {LoggableUrl.Of(TokenUrl)}";
}
