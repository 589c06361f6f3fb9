using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>The service the HTTP connector calls in tests: a real Kestrel server on loopback with one route per behaviour.</summary>
public sealed class Upstream : IAsyncDisposable
{
    public const string User = "api-user";
    public const string Password = "basic-pass-W3";
    public const string OAuthClient = "my-client";
    public const string OAuthSecret = "my-secret-Q7";

    private LoopbackServer _server = null!;
    private int _boomHits;
    private int _flakyHits;
    private int _requests;

    public Uri Address => _server.Address;

    /// <summary>How often <c>/boom</c> was called.</summary>
    public int BoomHits => Volatile.Read(ref _boomHits);

    /// <summary>How many requests arrived on any route (a smuggled second request counts too).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public string Url(string path) => new Uri(Address, path).ToString();

    public static async Task<Upstream> StartAsync()
    {
        var upstream = new Upstream();
        upstream._server = await LoopbackServer.StartAsync(upstream.Map);
        return upstream;
    }

    private void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref _requests);
            return next(context);
        });
        app.MapGet("/json", () => Results.Json(new { id = 123, name = "widget", tags = new[] { "a", "b" } }));
        // Valid JSON that is not Unicode text: a title cut between the two halves of a surrogate pair, as a service that
        // cuts text by UTF-16 units sends it.
        app.MapPost("/cut-text", () => Results.Text("""{"id":42,"title":"cut \ud83d"}""", "application/json"));
        app.MapGet("/xml", () => Results.Text("<item><id>7</id></item>", "application/xml"));
        app.MapGet("/text", () => Results.Text("plain hello", "text/plain"));
        app.MapGet("/missing", () => Results.Json(new { error = "no such item" }, statusCode: 404));
        app.MapGet("/boom", () =>
        {
            Interlocked.Increment(ref _boomHits);
            return Results.Text("exploded", "text/plain", statusCode: 500);
        });
        app.MapGet("/flaky", () => Interlocked.Increment(ref _flakyHits) == 1
            ? Results.StatusCode(503)
            : Results.Json(new { recovered = true }));
        app.MapGet("/slow", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), aborted);
            return Results.Ok();
        });
        app.MapGet("/redirect", () => Results.Redirect("/json"));
        app.MapGet("/basic", (HttpRequest request) =>
            request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))
                ? Results.Json(new { authenticated = true })
                : Results.StatusCode(401));
        app.MapMethods("/echo", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], async (HttpRequest request, HttpResponse response) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            response.Headers["X-Upstream"] = "echo";
            return Results.Json(new JsonObject
            {
                ["method"] = request.Method,
                ["query"] = request.QueryString.Value,
                ["contentType"] = request.ContentType,
                ["accept"] = request.Headers.Accept.ToString(),
                ["traceparent"] = request.Headers["traceparent"].ToString(),
                ["headers"] = new JsonObject(request.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value.ToString()))),
                ["body"] = body,
            });
        });
        // An OAuth token endpoint: client credentials (in the body or as basic auth) or a refresh token.
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var basic = request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{OAuthClient}:{OAuthSecret}"));
            var inBody = form["client_id"] == OAuthClient && form["client_secret"] == OAuthSecret;
            return (form["grant_type"].ToString(), basic || inBody, form["refresh_token"].ToString()) switch
            {
                ("client_credentials", true, _) => Results.Json(new { access_token = "tok-" + form["scope"], token_type = "Bearer", expires_in = 60 }),
                ("refresh_token", _, "refresh-1") when form["client_id"] == OAuthClient => Results.Json(new { access_token = "tok-refreshed", token_type = "Bearer" }),
                _ => Results.Json(new { error = "invalid_client" }, statusCode: 401),
            };
        });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
