using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Plugins.Http.Authentication;

namespace Switchboard.Plugins.Http.CamundaRest;

/// <summary>The inputs Camunda's REST connector template (<c>io.camunda.connectors.HttpJson.v2</c>) writes, by its names:
/// a process modeled with that template hands its job's variables straight to this connector.</summary>
/// <remarks>Numbers and booleans are read leniently (<c>20</c> or <c>"20"</c>), as hand-written diagrams write them
/// either way; the method in any case (older templates write <c>get</c>).</remarks>
public sealed class CamundaRestInput
{
    [Parameter("method"), Description("GET, POST, PUT, PATCH or DELETE (any case).")]
    public string Method { get; set; } = "GET";

    [Parameter("url"), Description("Absolute http:// or https:// URL; with a credential in authenticationConfiguration it overrides the credential's URL, and may be left out when the credential carries one.")]
    public string? Url { get; set; }

    [Parameter("authentication"), Description("How to authenticate: type noAuth, basic, bearer, apiKey, oauth-client-credentials-flow or oauth-refresh-token, with that type's fields.")]
    public RestAuthentication? Authentication { get; set; }

    [Parameter("headers"), Description("Request headers: a map of names to values.")]
    public JsonNode? Headers { get; set; }

    [Parameter("queryParameters"), Description("Query parameters: a map of names to values; a list value repeats the parameter.")]
    public JsonNode? QueryParameters { get; set; }

    [Parameter("body"), Description("The request body for POST, PUT and PATCH: JSON unless the Content-Type header says otherwise.")]
    public JsonNode? Body { get; set; }

    [Parameter("connectionTimeoutInSeconds"), Range(0, 86400), Description("Seconds to wait for a connection; 0 waits as long as the job may run.")]
    public int ConnectionTimeoutInSeconds { get; set; } = 20;

    [Parameter("readTimeoutInSeconds"), Range(0, 86400), Description("Seconds to wait for the answer once connected; 0 waits as long as the job may run.")]
    public int? ReadTimeoutInSeconds { get; set; }

    [Parameter("followRedirects"), Description("Follow 3xx redirects (off by default, as in Camunda's runtime: a 3xx is then the result).")]
    public bool FollowRedirects { get; set; }

    [Parameter("ignoreNullValues"), Description("Leave null values out of the request body.")]
    public bool IgnoreNullValues { get; set; }

    [Parameter("skipEncoding"), Description("Send the URL exactly as given. The URL is never decoded and re-encoded here, so this changes nothing.")]
    public bool SkipEncoding { get; set; }

    [Parameter("documentReturnFormat"), Description("How the body is returned: choice JSON (parsed when it is JSON, the default), TEXT (always a string, decoded with encoding) or DOCUMENT (stored as a document, its reference returned).")]
    public ReturnFormat? DocumentReturnFormat { get; set; }

    [Parameter("storeResponse"), Description("Store the response body as a document in Camunda's document store and return its reference as document (body is then null); needs the store, which Zeebe jobs have when the host knows the cluster's REST API.")]
    public bool StoreResponse { get; set; }

    [Parameter("clientTls"), Description("Mutual TLS: the client certificate and its private key (PEM), the key's password, and a CA (PEM) to trust for the server.")]
    public RestClientTls? ClientTls { get; set; }

    [Parameter("authenticationConfiguration"), Description("A credential chosen in the Modeler (Camunda 8.10): the value of the cluster variable the task references, with authentication and url as Camunda's REST credential template defines them; it replaces the authentication fields.")]
    public RestCredential? AuthenticationConfiguration { get; set; }
}

/// <summary>A reusable credential of Camunda's REST credential template (<c>io.camunda.connectors:rest-authentication:1</c>).</summary>
/// <remarks>Camunda stores a credential as a cluster variable, and the template's credential chooser writes the input
/// <c>authenticationConfiguration</c> as <c>=camunda.vars.env.NAME</c>: Zeebe resolves it when the job is made, so
/// the job carries the credential's values, nested by their dotted names as every other input is.</remarks>
public sealed class RestCredential
{
    [Parameter("authentication"), Description("The authentication the credential provides: type basic, bearer, apiKey, oauth-client-credentials-flow or oauth-refresh-token, with that type's fields.")]
    public RestAuthentication? Authentication { get; set; }

    [Parameter("url"), Description("The endpoint the credential is bound to (basic, bearer and API key credentials); the task's url overrides it.")]
    public string? Url { get; set; }
}

/// <summary>The template's <c>authentication.*</c> inputs.</summary>
public sealed class RestAuthentication : IHttpAuthentication
{
    [Parameter("type"), Description("noAuth (the default), basic, bearer, apiKey, oauth-client-credentials-flow or oauth-refresh-token.")]
    public string? Type { get; set; }

    [Parameter("username"), Description("Basic: the user.")]
    public string? Username { get; set; }

    [Secret, Parameter("password"), Description("Basic: the password.")]
    public string? Password { get; set; }

    [Secret, Parameter("token"), Description("Bearer: the token.")]
    public string? Token { get; set; }

    [Parameter("apiKeyLocation"), Description("API key: headers (the default) or query.")]
    public string? ApiKeyLocation { get; set; }

    [Parameter("name"), Description("API key: the header or query parameter name.")]
    public string? Name { get; set; }

    [Secret, Parameter("value"), Description("API key: the key.")]
    public string? Value { get; set; }

    [Parameter("oauthTokenEndpoint"), Description("OAuth: the token endpoint.")]
    public string? OAuthTokenEndpoint { get; set; }

    [Parameter("clientId"), Description("OAuth: the client id.")]
    public string? ClientId { get; set; }

    [Secret, Parameter("clientSecret"), Description("OAuth: the client secret.")]
    public string? ClientSecret { get; set; }

    [Parameter("audience"), Description("OAuth client credentials: the audience, if the server wants one.")]
    public string? Audience { get; set; }

    [Parameter("clientAuthentication"), Description("OAuth: credentialsBody (the default) or basicAuthHeader.")]
    public string? ClientAuthentication { get; set; }

    [Parameter("scopes"), Description("OAuth: the scopes, space separated.")]
    public string? Scopes { get; set; }

    [Secret, Parameter("refreshToken"), Description("OAuth refresh token: the refresh token.")]
    public string? RefreshToken { get; set; }

    string? IHttpAuthentication.AuthenticationType => Type;
    string? IHttpAuthentication.ApiKeyName => Name;
    string? IHttpAuthentication.ApiKeyValue => Value;
}

/// <summary>The template's <c>documentReturnFormat.*</c> inputs.</summary>
public sealed class ReturnFormat
{
    [Parameter("choice"), Description("JSON (the default), TEXT, or DOCUMENT (stored as a document, as storeResponse does).")]
    public string? Choice { get; set; }

    [Parameter("encoding"), Description("TEXT: the body's character encoding (UTF-8 by default).")]
    public string? Encoding { get; set; }
}

/// <summary>The template's <c>clientTls.*</c> inputs, for servers that want a client certificate (mutual TLS).</summary>
public sealed class RestClientTls
{
    [Parameter("clientCertificate"), Description("The client certificate, PEM (-----BEGIN CERTIFICATE-----).")]
    public string? ClientCertificate { get; set; }

    [Secret, Parameter("clientPrivateKey"), Description("The client certificate's private key, PEM (PKCS#8, PKCS#1 or EC; encrypted when a password is given).")]
    public string? ClientPrivateKey { get; set; }

    [Secret, Parameter("privateKeyPassword"), Description("The private key's password, when it is encrypted.")]
    public string? PrivateKeyPassword { get; set; }

    [Parameter("trustedCertificate"), Description("A CA certificate, PEM, trusted for the server's certificate instead of the system's roots.")]
    public string? TrustedCertificate { get; set; }
}
