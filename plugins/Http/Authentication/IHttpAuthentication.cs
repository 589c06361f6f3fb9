namespace Switchboard.Plugins.Http.Authentication;

/// <summary>The authentication fields of Camunda's HTTP templates (<c>authentication.*</c>), as the REST connector's
/// input and the HTTP polling connector's properties both carry them.</summary>
internal interface IHttpAuthentication
{
    /// <summary><c>noAuth</c> (or none), <c>basic</c>, <c>bearer</c>, <c>apiKey</c>, <c>oauth-client-credentials-flow</c> or <c>oauth-refresh-token</c>.</summary>
    string? AuthenticationType { get; }
    string? Username { get; }
    string? Password { get; }
    string? Token { get; }
    /// <summary><c>headers</c> (the default) or <c>query</c>.</summary>
    string? ApiKeyLocation { get; }
    string? ApiKeyName { get; }
    string? ApiKeyValue { get; }
    string? OAuthTokenEndpoint { get; }
    string? ClientId { get; }
    string? ClientSecret { get; }
    string? Audience { get; }
    /// <summary><c>credentialsBody</c> (the default) or <c>basicAuthHeader</c>.</summary>
    string? ClientAuthentication { get; }
    string? Scopes { get; }
    string? RefreshToken { get; }
}
