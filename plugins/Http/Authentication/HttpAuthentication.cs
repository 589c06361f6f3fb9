using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.Http.Authentication;

/// <summary>Applies the authentication Camunda's HTTP templates offer (the REST connector's and the HTTP polling
/// connector's alike) to a request: basic, bearer, an API key in a header or the query, or an OAuth token fetched from
/// the token endpoint with client credentials or a refresh token. One implementation for both connectors.</summary>
internal static class HttpAuthentication
{
    /// <summary>Adds the authentication to <paramref name="request"/>; an OAuth token is fetched within the request's own
    /// limits, <paramref name="connectTimeout"/> to connect and <paramref name="limit"/> in all (none when null or zero),
    /// as the request itself is sent.</summary>
    /// <remarks>The token request ran with the call's cancellation alone: a token endpoint that never answered held a
    /// call with a 2 s read timeout until the call's own timeout (5 minutes), and a poll until the poll's.</remarks>
    public static async Task ApplyAsync(IHttpAuthentication properties, HttpWriteInput request, HttpClient client, TimeSpan connectTimeout, TimeSpan? limit,
        CancellationToken cancellationToken)
    {
        request.Headers ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        switch (properties.AuthenticationType)
        {
            case null or "" or "noAuth":
                break;
            case "basic":
                request.BasicAuthUsername = Required(properties.Username, "authentication.username");
                request.BasicAuthPassword = properties.Password ?? "";
                break;
            case "bearer":
                request.Headers!["Authorization"] = "Bearer " + Required(properties.Token, "authentication.token");
                break;
            case "apiKey":
                var name = Required(properties.ApiKeyName, "authentication.name");
                var value = Required(properties.ApiKeyValue, "authentication.value");
                if (properties.ApiKeyLocation == "query")
                {
                    var query = request.Params as JsonObject ?? new JsonObject();
                    query[name] = value;
                    request.Params = query;
                }
                else
                {
                    request.Headers![name] = value;
                    // A credential for this host: dropped when a redirect names another (RedirectHandler).
                    request.CredentialHeaders.Add(name);
                }
                break;
            case "oauth-client-credentials-flow":
                request.Headers!["Authorization"] = "Bearer " + await TokenAsync(properties, refresh: false, client, connectTimeout, limit, cancellationToken);
                break;
            case "oauth-refresh-token":
                request.Headers!["Authorization"] = "Bearer " + await TokenAsync(properties, refresh: true, client, connectTimeout, limit, cancellationToken);
                break;
            case var other:
                throw new ConnectorInputException("UnsupportedAuthentication",
                    $"'{other}' is not an authentication type: use noAuth, basic, bearer, apiKey, oauth-client-credentials-flow or oauth-refresh-token")
                    { Field = "authentication.type" };
        }
    }

    private static async Task<string> TokenAsync(IHttpAuthentication properties, bool refresh, HttpClient client, TimeSpan connectTimeout, TimeSpan? limit,
        CancellationToken cancellationToken)
    {
        var endpoint = Required(properties.OAuthTokenEndpoint, "authentication.oauthTokenEndpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ConnectorInputException("InvalidUrl", "must be an absolute http:// or https:// URL") { Field = "authentication.oauthTokenEndpoint" };
        var clientId = Required(properties.ClientId, "authentication.clientId");
        // A refresh token may come from a public client, which has no secret.
        var clientSecret = refresh ? properties.ClientSecret ?? "" : Required(properties.ClientSecret, "authentication.clientSecret");
        var form = refresh
            ? new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", Required(properties.RefreshToken, "authentication.refreshToken")) }
            : new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (!refresh && !string.IsNullOrWhiteSpace(properties.Audience))
            form.Add(new("audience", properties.Audience));
        if (!string.IsNullOrWhiteSpace(properties.Scopes))
            form.Add(new("scope", properties.Scopes));
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (properties.ClientAuthentication == "basicAuthHeader")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));
        }
        else
        {
            form.Add(new("client_id", clientId));
            if (clientSecret.Length > 0)
                form.Add(new("client_secret", clientSecret));
        }
        request.Content = new FormUrlEncodedContent(form);
        request.Options.Set(CamundaRest.ConnectTimeoutHandler.ConnectTimeout, connectTimeout);
        var target = RequestBuilder.Loggable(url);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit is { } within && within > TimeSpan.Zero)
            deadline.CancelAfter(within);
        try
        {
            return await TokenAsync(client, request, target, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectorException("OAuthTokenFailed",
                $"the token endpoint {target} did not answer within {limit!.Value.TotalSeconds} s (connectionTimeoutInSeconds and readTimeoutInSeconds)", retryable: true);
        }
    }

    private static async Task<string> TokenAsync(HttpClient client, HttpRequestMessage request, string target, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ConnectorException("OAuthTokenFailed", $"the token endpoint {target} could not be reached: {e.HttpRequestError}", retryable: true);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new ConnectorException("OAuthTokenRefused", $"the token endpoint {target} answered {(int)response.StatusCode} {response.ReasonPhrase}",
                    retryable: (int)response.StatusCode >= 500);
            byte[] answer;
            try
            {
                answer = await ResponseReader.BytesAsync(response.Content, $"the token endpoint {target}", cancellationToken);
            }
            catch (IOException e)
            {
                throw new ConnectorException("OAuthTokenFailed", $"the token endpoint {target} broke off its answer: {e.Message}", retryable: true);
            }
            return AccessToken(answer)
                ?? throw new ConnectorException("OAuthTokenRefused", $"the token endpoint {target} answered without an access_token", retryable: false);
        }
    }

    // The access_token of a token endpoint's JSON answer; null for anything else (a login page, a number), which is the
    // endpoint refusing, not the connector failing.
    private static string? AccessToken(byte[] answer)
    {
        try
        {
            return JsonAnswer.Parse(answer) is JsonObject token && token["access_token"] is JsonValue value
                && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ConnectorInputException("MissingAuthentication", "is required for this authentication type") { Field = field }
            : value;
}
