using System.Text.Json.Nodes;
using Switchboard.Feel;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>The answers a webhook's expressions shape, as Camunda's webhook does: after a successful correlation,
/// <c>inbound.responseExpression</c> gives <c>{body, statusCode, headers}</c>, the older
/// <c>inbound.responseBodyExpression</c> the body alone, both seeing <c>request</c> and <c>correlation</c>; before
/// anything else, <c>inbound.verificationExpression</c> may answer a one-time verification challenge.</summary>
internal static class WebhookResponse
{
    public sealed record Shaped(int Status, JsonNode? Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

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
                JsonObject response => FromContext(response),
                _ => new Shaped(422, new JsonObject { ["message"] = "inbound.verificationExpression must give null or a context such as {body: ..., statusCode: 200}" }, []),
            };
        }
        catch (FeelException e)
        {
            return new Shaped(422, new JsonObject { ["message"] = $"inbound.verificationExpression is not valid FEEL: {e.Message}" }, []);
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
                    return new Shaped(422, new JsonObject { ["message"] = "inbound.responseExpression must give a context such as {body: ..., statusCode: 200}" }, []);
                return FromContext(response);
            }
            return new Shaped(200, FeelEngine.Default.EvaluateHeader(bodyOnly!, scope).Value, []);
        }
        catch (FeelException e)
        {
            var name = full is not null ? "inbound.responseExpression" : "inbound.responseBodyExpression";
            return new Shaped(422, new JsonObject { ["message"] = $"{name} is not valid FEEL: {e.Message}" }, []);
        }
    }

    private static Shaped FromContext(JsonObject response)
    {
        // FEEL numbers are decimals.
        var status = response["statusCode"] is JsonValue code && int.TryParse(code.ToJsonString(), out var number) && number is >= 200 and <= 599 ? number : 200;
        var headers = response["headers"] is JsonObject map
            ? map.Where(h => h.Value is JsonValue).Select(h => KeyValuePair.Create(h.Key, h.Value!.ToString())).ToList()
            : [];
        return new Shaped(status, response["body"]?.DeepClone(), headers);
    }

    private static string? Property(Activation activation, string name) =>
        activation.Properties.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
