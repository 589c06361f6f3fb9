using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Plugins.Http.Authentication;

namespace Switchboard.Plugins.Http.Polling;

/// <summary>The properties Camunda's HTTP polling element template writes, with its names and defaults.</summary>
/// <remarks>Query parameters and headers are FEEL contexts (<c>={"page": "1"}</c>) or JSON objects; the host evaluates
/// them when the activation is bound, without process variables (an activation polls once for its element, not once
/// per waiting process instance).</remarks>
public sealed class HttpPollingProperties : IHttpAuthentication
{
    [Parameter("method"), AllowedValues("GET", "POST", "PUT", "PATCH", "DELETE"), Description("The HTTP method.")]
    public string Method { get; set; } = "GET";

    [Parameter("url"), Required, Description("Absolute http:// or https:// URL polled every interval.")]
    public string Url { get; set; } = "";

    [Parameter("queryParameters"), Description("Query parameters: a FEEL context or JSON object; a list value repeats the parameter.")]
    public JsonNode? QueryParameters { get; set; }

    [Parameter("headers"), Description("Request headers: a FEEL context or JSON object of names and values.")]
    public Dictionary<string, string>? Headers { get; set; }

    [Parameter("body"), Description("The request body for POST, PUT and PATCH: JSON when it is JSON, else sent as text.")]
    public JsonNode? Body { get; set; }

    [Parameter("followRedirects"), Description("Follow 3xx redirects.")]
    public bool FollowRedirects { get; set; }

    [Parameter("httpRequestInterval"), Description("The wait between two polls, an ISO 8601 duration such as PT50S.")]
    public string HttpRequestInterval { get; set; } = "PT50S";

    [Parameter("connectionTimeoutInSeconds"), Range(1, 3600), Description("Seconds to wait for a connection.")]
    public int ConnectionTimeoutInSeconds { get; set; } = 20;

    [Parameter("readTimeoutInSeconds"), Range(1, 3600), Description("Seconds to wait for the answer once connected.")]
    public int ReadTimeoutInSeconds { get; set; } = 20;

    [Parameter("authentication.type"), AllowedValues("noAuth", "basic", "bearer", "apiKey", "oauth-client-credentials-flow"),
     Description("How the request authenticates.")]
    public string AuthenticationType { get; set; } = "noAuth";

    [Parameter("authentication.username"), Description("Basic authentication: the user.")]
    public string? Username { get; set; }

    [Parameter("authentication.password"), Secret, Description("Basic authentication: the password.")]
    public string? Password { get; set; }

    [Parameter("authentication.token"), Secret, Description("Bearer authentication: the token.")]
    public string? Token { get; set; }

    [Parameter("authentication.apiKeyLocation"), AllowedValues("headers", "query"), Description("API key: sent as a header or a query parameter.")]
    public string ApiKeyLocation { get; set; } = "headers";

    [Parameter("authentication.name"), Description("API key: the header or parameter name.")]
    public string? ApiKeyName { get; set; }

    [Parameter("authentication.value"), Secret, Description("API key: the key.")]
    public string? ApiKeyValue { get; set; }

    [Parameter("authentication.oauthTokenEndpoint"), Description("OAuth client credentials: the token endpoint.")]
    public string? OAuthTokenEndpoint { get; set; }

    [Parameter("authentication.clientId"), Description("OAuth client credentials: the client id.")]
    public string? ClientId { get; set; }

    [Parameter("authentication.clientSecret"), Secret, Description("OAuth client credentials: the client secret.")]
    public string? ClientSecret { get; set; }

    [Parameter("authentication.audience"), Description("OAuth client credentials: the audience, if the server wants one.")]
    public string? Audience { get; set; }

    [Parameter("authentication.clientAuthentication"), AllowedValues("credentialsBody", "basicAuthHeader"),
     Description("OAuth client credentials: send them in the body or as a basic authorization header.")]
    public string ClientAuthentication { get; set; } = "credentialsBody";

    [Parameter("authentication.scopes"), Description("OAuth client credentials: the scopes, space separated.")]
    public string? Scopes { get; set; }

    // The polling template offers no refresh-token flow.
    string? IHttpAuthentication.RefreshToken => null;
}
