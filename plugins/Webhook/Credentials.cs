using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>Basic authentication and API keys, as Camunda's webhook template configures them; compared in constant time.</summary>
internal static class Credentials
{
    public static string? Check(WebhookProperties properties, WebhookRequest request, IInboundContext context) => properties.AuthType switch
    {
        "BASIC" => Basic(properties, request),
        "APIKEY" => ApiKey(properties, request, context.Get<IExpressionEvaluator>()),
        _ => null,
    };

    private static string? Basic(WebhookProperties properties, WebhookRequest request)
    {
        if (properties.Username is null || properties.Password is null)
            return "basic authentication is enabled but inbound.auth.username or inbound.auth.password is not set";
        if (!request.Headers.TryGetValue("authorization", out var header) || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return "the request carries no basic credentials";
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        }
        catch (FormatException)
        {
            return "the basic credentials are not base64";
        }
        return Same(decoded, properties.Username + ":" + properties.Password) ? null : "the user name or password is wrong";
    }

    // The request as the host's correlation reads it (a form's fields, a JSON body behind a byte order mark), as Camunda's
    // connector reads it for its locator; a request made by hand, without it, offers its headers and query only.
    private static JsonObject Scope(WebhookRequest request) => request.Mapped ?? new JsonObject
    {
        ["headers"] = new JsonObject(request.Headers.Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), (JsonNode?)h.Value))),
        ["params"] = new JsonObject(request.Query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value))),
    };

    private static string? ApiKey(WebhookProperties properties, WebhookRequest request, IExpressionEvaluator? feel)
    {
        if (properties.ApiKey is null)
            return "API key authentication is enabled but inbound.auth.apiKey is not set";
        var locator = properties.ApiKeyLocator.Trim();
        string? sent;
        if (feel is not null)
        {
            // The locator is FEEL over the request, as in Camunda's template.
            try
            {
                sent = feel.Evaluate(locator, new JsonObject { ["request"] = Scope(request) }) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            }
            catch (FormatException e)
            {
                return $"inbound.auth.apiKeyLocator is not valid FEEL: {e.Message}";
            }
        }
        else if (locator.Replace(" ", "") == "=split(request.headers.authorization,\"\")[2]")
            sent = request.Headers.TryGetValue("authorization", out var header) && header.Split(' ') is { Length: >= 2 } parts ? parts[1] : null;
        else if (locator.StartsWith("=request.headers.", StringComparison.Ordinal))
            sent = request.Headers.TryGetValue(locator["=request.headers.".Length..], out var value) ? value : null;
        else if (locator.StartsWith("=request.params.", StringComparison.Ordinal))
            sent = request.Query.TryGetValue(locator["=request.params.".Length..], out var value) ? value : null;
        else
            return $"inbound.auth.apiKeyLocator '{locator}' needs a host that evaluates FEEL: use the default, =request.headers.<name> or =request.params.<name>";
        return sent is not null && Same(sent, properties.ApiKey) ? null : "the API key is missing or wrong";
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
