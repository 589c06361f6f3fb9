using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Switchboard.Abstractions.Inbound;
using Switchboard.Core.Binding;

namespace Switchboard.Core.Inbound;

/// <summary>A webhook request as a connector and the activation's expressions see it, made in one place for the host (from
/// the HTTP request it received) and the author kit (from one a test built), so a connector tested in the kit reads what
/// it reads in the host.</summary>
/// <remarks>The kit handed a test's request over as it was: <see cref="WebhookRequest.Mapped"/> stayed null (a connector's
/// own expression over <c>request.body</c>, such as an API key locator, found nothing there and worked in the host) and a
/// header named <c>X-Api-Key</c> was not found as <c>x-api-key</c>.</remarks>
internal static class WebhookRequests
{
    /// <summary>The request with its headers' names in lower case (found in any case; a name given in several cases is
    /// one header, its values joined with commas) and <see cref="WebhookRequest.Mapped"/> filled; and the mapped
    /// request itself, the object the activation's correlation reads as <c>request</c>.</summary>
    public static (WebhookRequest Request, JsonObject Event) Make(string method, string url, IEnumerable<KeyValuePair<string, string>> headers,
        IReadOnlyDictionary<string, string> query, byte[] body)
    {
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            var lower = name.ToLowerInvariant();
            named[lower] = named.TryGetValue(lower, out var earlier) ? earlier + "," + value : value;
        }
        var @event = Event(named, query, body);
        var request = new WebhookRequest
        {
            Method = method.ToUpperInvariant(),
            Url = url,
            Headers = named,
            Query = query,
            Body = body,
            // The connector's own expressions (an API key locator) read the request as the correlation does: it read a body
            // of its own, so a form's fields or a JSON body behind a byte order mark were text to it and fields here.
            Mapped = @event,
        };
        return (request, @event);
    }

    /// <summary>A request a test built, made as the host makes the one it receives; one that carries
    /// <see cref="WebhookRequest.Mapped"/> already is the test's own making and is kept as it is.</summary>
    public static WebhookRequest Complete(WebhookRequest request) =>
        request.Mapped is not null ? request : Make(request.Method, request.Url, request.Headers, request.Query, request.Body.ToArray()).Request;

    /// <summary>The request FEEL sees as <c>request</c>: the body (a form's fields, JSON when it is JSON, else text), headers
    /// and query parameters.</summary>
    private static JsonObject Event(IReadOnlyDictionary<string, string> headers, IReadOnlyDictionary<string, string> query, byte[] bytes)
    {
        JsonNode? body = null;
        if (bytes.Length > 0 && IsForm(headers))
        {
            // A form (Twilio's, Slack's) is its fields, as Camunda's runtime reads it: request.body.From; a name without
            // a value has the empty text; a field sent several times, or in other cases, once, its values joined with
            // commas, as a header's are (names read as ASP.NET Core reads a query, without regard to case).
            var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(bytes));
            body = new JsonObject(form.Select(field => KeyValuePair.Create(field.Key, (JsonNode?)field.Value.ToString())));
        }
        else if (bytes.Length > 0)
        {
            // Read as the HTTP protocols read a body (a byte order mark allowed; UTF-8, keys once each and Unicode strings
            // required); anything else is the text it holds, so a repeated key never reaches Zeebe and a bad string never
            // fails the request later.
            body = JsonBody.ParseElement(bytes, JsonBody.Strict, out _) is { } element && JsonBody.FindNotText(bytes, element) is null
                ? ElementNode.Over(element)
                : JsonValue.Create(Encoding.UTF8.GetString(bytes));
        }
        return new JsonObject
        {
            ["body"] = body,
            ["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
            ["params"] = new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value))),
        };
    }

    private static bool IsForm(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue("content-type", out var type) &&
        MediaTypeHeaderValue.TryParse(type, out var media) &&
        media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
