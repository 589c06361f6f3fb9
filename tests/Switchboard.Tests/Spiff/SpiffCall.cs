using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Spiff;

/// <summary>One answer of the proxy: HTTP status, content type, raw text and parsed JSON.</summary>
public sealed record SpiffCall(HttpStatusCode Status, string? ContentType, string Text)
{
    public JsonNode Json => JsonNode.Parse(Text)!;

    /// <summary>POSTs <paramref name="body"/> (raw text) to <c>/v1/do/{command}</c> under <paramref name="prefix"/>.</summary>
    public static async Task<SpiffCall> DoAsync(HttpClient http, string command, string body, string prefix = "", string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{prefix}/v1/do/{command}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        // The headers SpiffArena's backend sends with every call.
        request.Headers.UserAgent.ParseAdd("spiffworkflow-backend");
        if (apiKey is not null)
            request.Headers.Add("Spiff-Connector-Proxy-Api-Key", apiKey);
        return await SendAsync(http, request);
    }

    /// <summary>GETs <paramref name="path"/>, with the API key header when given.</summary>
    public static async Task<SpiffCall> GetAsync(HttpClient http, string path, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null)
            request.Headers.Add("Spiff-Connector-Proxy-Api-Key", apiKey);
        return await SendAsync(http, request);
    }

    public static async Task<SpiffCall> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        return new SpiffCall(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }
}
