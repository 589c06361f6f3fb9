using System.Text.Json.Nodes;
using Switchboard.Feel;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The answers a webhook's expressions shape, as Camunda's webhook does: after a successful correlation,
/// <c>inbound.responseExpression</c> gives <c>{body, statusCode, headers}</c>, the older
/// <c>inbound.responseBodyExpression</c> the body alone, both seeing <c>request</c> and <c>correlation</c>; before
/// anything else, <c>inbound.verificationExpression</c> may answer a one-time verification challenge.</summary>
internal static class WebhookResponse
{
    /// <summary>An answer to send: the expression's, or, when it cannot be sent (an expression that does not parse or
    /// gives no context, a header HTTP cannot carry), a 422 saying why, with the reason in <see cref="Problem"/>.</summary>
    public sealed record Shaped(int Status, JsonNode? Body, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Problem = null)
    {
        public static Shaped Refused(string problem) => new(422, new JsonObject { ["message"] = problem }, [], problem);
    }

    /// <summary>The answer to a verification challenge: <c>inbound.verificationExpression</c>, seeing <c>request</c>, gives
    /// <c>{body, statusCode, headers}</c> for a challenge (the request is answered with it and not correlated) and null
    /// for any other request; null too when the activation declares no such expression.</summary>
    public static Shaped? Verify(Activation activation, JsonObject request)
    {
        if (Property(activation, "inbound.verificationExpression") is not { } expression)
            return null;
        try
        {
            return FeelEngine.Default.EvaluateHeader(expression, new JsonObject { ["request"] = request.DeepClone() }).Value switch
            {
                null => null,
                JsonObject response => FromContext(response, "inbound.verificationExpression"),
                _ => Shaped.Refused("inbound.verificationExpression must give null or a context such as {body: ..., statusCode: 200}"),
            };
        }
        catch (FeelExpressionException e)
        {
            return Shaped.Refused(e.About("inbound.verificationExpression"));
        }
    }

    /// <summary>The shaped answer, or null when the activation declares no response expression.</summary>
    public static Shaped? Shape(Activation activation, JsonObject request, JsonObject correlation)
    {
        var full = Property(activation, "inbound.responseExpression");
        var bodyOnly = Property(activation, "inbound.responseBodyExpression");
        if (full is null && bodyOnly is null)
            return null;
        var scope = new JsonObject { ["request"] = request.DeepClone(), ["correlation"] = correlation.DeepClone() };
        try
        {
            if (full is not null)
            {
                var value = FeelEngine.Default.EvaluateHeader(full, scope).Value;
                if (value is not JsonObject response)
                    return Shaped.Refused("inbound.responseExpression must give a context such as {body: ..., statusCode: 200}");
                return FromContext(response, "inbound.responseExpression");
            }
            return new Shaped(200, FeelEngine.Default.EvaluateHeader(bodyOnly!, scope).Value, []);
        }
        catch (FeelExpressionException e)
        {
            return Shaped.Refused(e.About(full is not null ? "inbound.responseExpression" : "inbound.responseBodyExpression"));
        }
    }

    /// <summary>Shapes the answer a successful correlation would get, before correlating: the key and message are not
    /// known yet (the expression sees the key <c>0</c> and no message), everything from the request is. What cannot be
    /// sent then (an expression that does not parse, a header from the request HTTP cannot carry) is refused before
    /// anything is published, since a caller refused after the publish retries and publishes the event again.</summary>
    public static Shaped? Preview(Activation activation, JsonObject request) =>
        Shape(activation, request, new JsonObject
        {
            ["status"] = activation.BpmnProcessId is null ? "published" : "created",
            ["message"] = null,
            ["key"] = "0",
        });

    // The answer's framing and the connection's own headers (RFC 9110, 7.6.1): given by an expression, a Content-Length
    // or Transfer-Encoding contradicted the body the host writes, and Kestrel failed the answer after the event was
    // published (the caller, answered nothing or a broken answer, retried it); Connection and Upgrade would speak for
    // the connection, which is the server's.
    private static readonly HashSet<string> HostManaged = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private static Shaped FromContext(JsonObject response, string expression)
    {
        // FEEL numbers are decimals.
        var status = response["statusCode"] is JsonValue code && int.TryParse(code.ToJsonString(), out var number) && number is >= 200 and <= 599 ? number : 200;
        var headers = response["headers"] is JsonObject map
            ? map.Where(h => h.Value is JsonValue).Select(h => KeyValuePair.Create(h.Key, h.Value!.ToString())).ToList()
            : [];
        // A header is checked as a request's would be: a CR or LF would split the answer, and HTTP sends header values as
        // ASCII (Kestrel refuses anything else while answering).
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || !name.All(c => c > ' ' && c < 127 && c != ':') || value.Any(c => c is > '~' or < ' ' && c != '\t'))
                return Shaped.Refused($"{expression} gives the header '{LogValueSanitizer.Escape(name, 100)}', which cannot be sent (a bad name, or a value that is not printable ASCII)");
            if (HostManaged.Contains(name))
                return Shaped.Refused($"{expression} gives the header '{name}', which cannot be sent: the host sets it itself (it frames the answer or manages the connection)");
        }
        return new Shaped(status, response["body"]?.DeepClone(), headers);
    }

    private static string? Property(Activation activation, string name) =>
        activation.Properties.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
