using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Csp;

/// <summary>Builds CSP requests and posts them to <c>/csp/connector</c> as raw text, so tests control every byte.</summary>
internal static class CspCall
{
    public const string Calculator = "io.switchboard:calculator:1";
    public const string Probe = "test.switchboard:probe:1";
    public const string Faults = "test.switchboard:faults:1";

    /// <summary>A JSON-RPC 2.0 request; <paramref name="id"/> null leaves the id out (a notification).</summary>
    public static JsonObject Request(JsonNode? id, string method, JsonObject input, string? operation = null, string? callbackUrl = null)
    {
        var parameters = new JsonObject { ["input"] = input };
        if (operation is not null)
            parameters["operation"] = operation;
        if (callbackUrl is not null)
            parameters["callbackUrl"] = callbackUrl;
        var request = new JsonObject { ["jsonrpc"] = "2.0" };
        if (id is not null)
            request["id"] = id;
        request["method"] = method;
        request["params"] = parameters;
        return request;
    }

    public static JsonObject Add(double a, double b) => new() { ["action"] = "add", ["a"] = a, ["b"] = b };

    public static Task<CspAnswer> PostAsync(this HttpClient http, JsonNode request) => http.PostAsync(request.ToJsonString());

    public static async Task<CspAnswer> PostAsync(this HttpClient http, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/csp/connector", content);
        return new CspAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary>An HTTP answer from the CSP endpoint: status and body, parsed on demand.</summary>
internal sealed record CspAnswer(HttpStatusCode Status, string Text)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("the body is JSON null");

    public JsonNode? Result => Json["result"];

    public JsonNode? Error => Json["error"];

    public int ErrorCode => Error?["code"]?.GetValue<int>() ?? throw new InvalidOperationException("no error in: " + Text);

    public JsonNode? ErrorData => Error?["data"];

    /// <summary>The <c>field</c> of each entry in <c>error.data.validationErrors</c>.</summary>
    public IReadOnlyList<string> InvalidFields =>
        ErrorData?["validationErrors"]?.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList() ?? [];

    public override string ToString() => $"{(int)Status} {Text}";
}
