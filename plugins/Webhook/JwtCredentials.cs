using System.Globalization;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>JWT authentication as Camunda's webhook template configures it: a bearer token whose signature is checked
/// against the keys at <c>inbound.auth.jwt.jwkUrl</c> (a JWKS) and whose lifetime is current; then, when
/// <c>inbound.auth.jwt.requiredPermissions</c> is set, the permissions <c>inbound.auth.jwt.permissionsExpression</c>
/// reads from the token's payload must include all of them.</summary>
/// <remarks>Key sets are kept for ten minutes per URL, and fetched again when a token names a key the kept set lacks (a
/// rotation), at most once in <see cref="RefetchAtMostEvery"/>: whoever sends tokens with made-up keys must not make
/// the host fetch the set for each of them. One fetch per URL runs at a time, and every request waiting for that URL's
/// keys shares it. Signature providers are not cached, so nothing of IdentityModel outlives a request and the plugin
/// can unload.</remarks>
internal static class JwtCredentials
{
    private static readonly TimeSpan KeepKeys = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RefetchAtMostEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);
    private const int MaxKeySetBytes = 1024 * 1024;
    private static readonly ConcurrentDictionary<string, (Task<JsonWebKeySet> Keys, DateTimeOffset Started)> KeySets = new(StringComparer.Ordinal);
    private static readonly object Fetching = new();

    public static async Task<(int Status, string Message)?> CheckAsync(WebhookProperties properties, WebhookRequest request, IInboundContext context)
    {
        if (string.IsNullOrWhiteSpace(properties.JwkUrl) || !Uri.TryCreate(properties.JwkUrl, UriKind.Absolute, out var jwkUrl)
            || (jwkUrl.Scheme != Uri.UriSchemeHttp && jwkUrl.Scheme != Uri.UriSchemeHttps))
            return (401, "JWT authentication is enabled but inbound.auth.jwt.jwkUrl is not an absolute http:// or https:// URL");
        if (!request.Headers.TryGetValue("authorization", out var header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || header[7..].Trim() is not { Length: > 0 } token)
            return (401, "the request carries no bearer token");

        var handler = new JsonWebTokenHandler();
        TokenValidationResult result;
        try
        {
            result = await handler.ValidateTokenAsync(token, Parameters(await KeysAsync(jwkUrl, refresh: false).WaitAsync(context.CancellationToken)));
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
                result = await handler.ValidateTokenAsync(token, Parameters(await KeysAsync(jwkUrl, refresh: true).WaitAsync(context.CancellationToken)));
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or ArgumentException)
        {
            // The URL as a log may show it: its user part and query (credentials, often) stay out of the answer.
            var shown = $"{jwkUrl.Scheme}://{jwkUrl.Authority}{jwkUrl.AbsolutePath}";
            var why = e switch
            {
                HttpRequestException { StatusCode: { } status } => $"it answered HTTP {(int)status}",
                HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded } => $"its answer is larger than {MaxKeySetBytes / (1024 * 1024)} MiB",
                HttpRequestException http => http.HttpRequestError.ToString(),
                TaskCanceledException => string.Create(CultureInfo.InvariantCulture, $"no answer within {FetchTimeout.TotalSeconds:0} s"),
                _ => "the answer is not a JSON Web Key Set",
            };
            return (401, $"the signing keys could not be fetched from {shown}: {why}");
        }
        if (!result.IsValid)
            return (401, "the bearer token " + Reason(result.Exception));
        if (string.IsNullOrWhiteSpace(properties.RequiredPermissions))
            return null;
        return Permissions(properties, (JsonWebToken)result.SecurityToken, context.Get<IExpressionEvaluator>());
    }

    private static TokenValidationParameters Parameters(JsonWebKeySet keys) => new()
    {
        IssuerSigningKeys = keys.GetSigningKeys(),
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false },
    };

    // The kept set while it is fresh (or, asked to refresh, while it was fetched lately); otherwise a new fetch, which a
    // failed one also counts as kept for RefetchAtMostEvery, so an unreachable JWKS is not asked again by every request.
    private static Task<JsonWebKeySet> KeysAsync(Uri url, bool refresh)
    {
        lock (Fetching)
        {
            var now = DateTimeOffset.UtcNow;
            if (KeySets.TryGetValue(url.AbsoluteUri, out var kept))
            {
                var age = now - kept.Started;
                if (!kept.Keys.IsCompleted || age < RefetchAtMostEvery || (!refresh && kept.Keys.IsCompletedSuccessfully && age < KeepKeys))
                    return kept.Keys;
            }
            var fetch = FetchAsync(url);
            KeySets[url.AbsoluteUri] = (fetch, now);
            return fetch;
        }
    }

    private static async Task<JsonWebKeySet> FetchAsync(Uri url)
    {
        // A client per fetch, disposed at once: a pooled one would keep timers that hold the plugin loaded. Not tied to
        // one request's cancellation: every request waiting for these keys shares the fetch.
        // Bounded: a key set is a few kilobytes, and HttpClient would otherwise buffer up to 2 GB of whatever the URL sends.
        using var http = new HttpClient { Timeout = FetchTimeout, MaxResponseContentBufferSize = MaxKeySetBytes };
        return new JsonWebKeySet(await http.GetStringAsync(url));
    }

    private static (int, string)? Permissions(WebhookProperties properties, JsonWebToken token, IExpressionEvaluator? feel)
    {
        if (feel is null)
            return (403, "the token's permissions cannot be checked: this host evaluates no FEEL");
        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload)) as JsonObject ?? [];
            _ = payload.Count; // its members are read here, where a claim that appears twice throws
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Signed as it is, yet a claim read twice could mean either value.
            return (401, "the bearer token is not a well-formed JWT: its payload repeats the claim");
        }
        List<string> granted, required;
        try
        {
            granted = Texts(feel.Evaluate(properties.PermissionsExpression ?? "=[]", payload));
            if (RequiredTexts(feel.Evaluate(properties.RequiredPermissions!, null), out var wrong) is not { } listed)
                return (500, "inbound.auth.jwt.requiredPermissions must give a list of texts, not " + wrong + ": the element is modeled wrong");
            required = listed;
        }
        catch (FormatException e)
        {
            return (403, "the permissions expressions are not valid FEEL: " + e.Message);
        }
        var missing = required.Except(granted, StringComparer.Ordinal).ToList();
        return missing.Count == 0 ? null : (403, "the token lacks the permissions " + string.Join(", ", missing));
    }

    // The permissions every token must hold: null (no requirement) gives none, as in Camunda's connector, where the
    // property is a list of texts and any other value fails the element. Read leniently, an object or a number would
    // require nothing and let every signed token through.
    private static List<string>? RequiredTexts(JsonNode? value, out string? wrong)
    {
        wrong = value switch
        {
            null => null,
            JsonValue text when text.GetValueKind() == JsonValueKind.String => null,
            // Numbers and booleans in the list are read as their text, as Camunda's binding reads them.
            JsonArray list => list.Where(item => item is not JsonValue).Select(Kind).FirstOrDefault() is { } odd ? "a list holding " + odd : null,
            _ => Kind(value),
        };
        return wrong is null ? Texts(value) : null;
    }

    private static string Kind(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a text",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };

    private static List<string> Texts(JsonNode? value) => value switch
    {
        JsonArray list => list.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var text) ? text : v.ToJsonString()).ToList(),
        JsonValue single when single.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    // IdentityModel's own messages hide their details as PII; say what failed in our words.
    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "has expired",
        SecurityTokenNotYetValidException => "is not valid yet",
        SecurityTokenSignatureKeyNotFoundException => "is signed with a key the JWKS does not hold",
        SecurityTokenInvalidSignatureException => "has a signature that does not match the keys of the JWKS",
        SecurityTokenMalformedException or ArgumentException => "is not a well-formed JWT",
        _ => "is not valid" + (failure is null ? "" : $" ({failure.GetType().Name})"),
    };
}
