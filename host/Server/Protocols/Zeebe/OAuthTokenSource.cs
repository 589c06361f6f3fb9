using System.Text.Json;
using Grpc.Core;
using System.Text.Json.Serialization;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Bearer tokens by the client-credentials grant: fetched once, reused until shortly before they expire, refreshed on demand after UNAUTHENTICATED.</summary>
internal sealed class OAuthTokenSource(OAuthSettings settings, HttpClient http, TimeProvider clock)
{
    // Refresh this long before the server's expiry, so a call never leaves with a token about to lapse.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);
    // A token is fetched again at least daily: an expires_in of 1e300 (or 5e11, past year 9999) fits no TimeSpan or date.
    private static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(1);
    // A token is reused for at least this long, whatever its expires_in: an endpoint answering 1e-9 had every gRPC call
    // fetch a token first, one at a time behind the gate. A token the gateway refuses is dropped at once anyway (Invalidate).
    private static readonly TimeSpan ShortestReuse = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _refreshAt;

    /// <summary>Token requests made so far.</summary>
    public int Requests { get; private set; }

    public async Task<string> GetAsync(CancellationToken cancellation)
    {
        if (_token is { } cached && clock.GetUtcNow() < _refreshAt)
            return cached;
        await _gate.WaitAsync(cancellation);
        try
        {
            if (_token is { } fresh && clock.GetUtcNow() < _refreshAt)
                return fresh;
            var form = new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = settings.ClientSecret,
            };
            if (settings.Audience is { } audience)
                form["audience"] = audience;
            if (settings.Scope is { } scope)
                form["scope"] = scope;
            Requests++;
            // The body is read below within the client's timeout and a size limit, not buffered whole by the client.
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            within.CancelAfter(http.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenUrl) { Content = new FormUrlEncodedContent(form) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, within.Token);
            if ((int)response.StatusCode is >= 300 and < 400)
                throw new InvalidOperationException($"the token endpoint {LoggableUrl.Of(settings.TokenUrl)} answered {(int)response.StatusCode}, a redirect"
                    + (response.Headers.Location is { IsAbsoluteUri: true } to ? $" to {LoggableUrl.Of(to)}" : "")
                    + ": the client secret is sent to the configured AuthorizationServerUrl only, so set it to the endpoint that issues the token");
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"the token endpoint {LoggableUrl.Of(settings.TokenUrl)} answered {(int)response.StatusCode} for {settings.ClientId}");
            var answer = JsonSerializer.Deserialize<TokenAnswer>(await ReadAnswerAsync(response.Content, within.Token), JsonSerializerOptions.Web)
                ?? throw new InvalidOperationException("the token endpoint answered no token");
            if (string.IsNullOrEmpty(answer.AccessToken))
                throw new InvalidOperationException("the token endpoint's answer has no access_token");
            // Sent as "Bearer <token>": a line break made gRPC drop the header without a word, and a non-ASCII character
            // failed every call until the token expired. Refused here, it is neither kept nor sent.
            if (!answer.AccessToken.All(c => c is > ' ' and < '\u007f'))
                throw new InvalidOperationException($"the token endpoint {LoggableUrl.Of(settings.TokenUrl)} answered an access_token with characters "
                    + "an HTTP header cannot carry (spaces, line breaks or non-ASCII)");
            var lifetime = answer.ExpiresIn switch
            {
                null or <= 0 => TimeSpan.FromSeconds(300),
                var seconds when seconds >= LongestLifetime.TotalSeconds => LongestLifetime,
                var seconds => TimeSpan.FromSeconds(seconds.Value),
            };
            var reuse = lifetime > Margin * 2 ? lifetime - Margin : lifetime / 2;
            _refreshAt = clock.GetUtcNow() + (reuse < ShortestReuse ? ShortestReuse : reuse);
            _token = answer.AccessToken;
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    // A token answer is a few kilobytes: an endpoint sending more is broken or hostile and must not fill the host's memory.
    private const int MaxAnswerBytes = 1024 * 1024;

    private async Task<byte[]> ReadAnswerAsync(HttpContent content, CancellationToken cancellation) =>
        await BoundedContent.ReadAsync(content, MaxAnswerBytes, cancellation) ?? throw TooLarge();

    private InvalidOperationException TooLarge() =>
        new($"the token endpoint {LoggableUrl.Of(settings.TokenUrl)} answered more than {MaxAnswerBytes / 1024} KiB; a token answer is a few kilobytes");

    /// <summary>The token for a gRPC call. A failed fetch is UNAVAILABLE with what went wrong: a transient failure callers
    /// retry (Grpc.Net.Client would report any other exception from the credentials as INTERNAL, which no caller retries).</summary>
    public async Task<string> GetForCallAsync(CancellationToken cancellation)
    {
        try
        {
            return await GetAsync(cancellation);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "no OAuth token: " + e.Message));
        }
    }

    /// <summary>Forgets the token after the gateway refused it, so the next call fetches a new one.</summary>
    public void Invalidate() => _refreshAt = DateTimeOffset.MinValue;

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] double? ExpiresIn);
}
