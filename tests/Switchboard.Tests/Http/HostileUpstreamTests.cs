using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Http;

/// <summary>The host with the shipped Http plugin, and an upstream on loopback that answers in every odd way a real one
/// can: cookies, endless bodies, unknown charsets, a retry asked for in 68 years, token endpoints that answer no token.</summary>
public sealed class HostileUpstreamFixture : IAsyncLifetime
{
    /// <summary>What the endless route sends at most before it gives up on a reader that keeps reading.</summary>
    public const long EndlessLimit = 256L * 1024 * 1024;

    private readonly PluginSandbox _sandbox = new();
    private LoopbackServer _upstream = null!;
    private int _badCharsetHits;
    private int _retryAtDateHits;

    public RunningHost Host { get; private set; } = null!;

    public string Url(string path) => new Uri(_upstream.Address, path).ToString();

    public int BadCharsetHits => Volatile.Read(ref _badCharsetHits);

    public int RetryAtDateHits => Volatile.Read(ref _retryAtDateHits);

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        _upstream = await LoopbackServer.StartAsync(Map);
        Host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _upstream.DisposeAsync();
        _sandbox.Dispose();
    }

    private void Map(WebApplication app)
    {
        // A login that sets a session cookie for the caller that logged in, and a page that says what cookie it sees.
        app.MapGet("/login", (HttpResponse response) =>
        {
            response.Headers.SetCookie = "session=alice-session-S3CRET; Path=/";
            return Results.Json(new { loggedIn = "alice" });
        });
        app.MapGet("/whoami", (HttpRequest request) => Results.Json(new { cookie = request.Headers.Cookie.ToString() }));

        // A body without end, sent as fast as it is read (up to EndlessLimit, so a reader without a bound still ends).
        app.MapGet("/endless", async context =>
        {
            context.Response.ContentType = "text/plain";
            var chunk = new byte[1024 * 1024];
            Array.Fill(chunk, (byte)'a');
            try
            {
                for (long sent = 0; sent < EndlessLimit && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
                // The reader stopped reading: what a bounded reader does.
            }
        });
        // A body declared as a gigabyte.
        app.MapGet("/declared-huge", context =>
        {
            context.Response.ContentLength = 1_000_000_000;
            context.Response.ContentType = "text/plain";
            return context.Response.Body.WriteAsync(new byte[1024], context.RequestAborted).AsTask();
        });

        // A 200 whose charset is no known one: the service did what it was asked.
        app.MapPost("/bad-charset", async (HttpResponse response) =>
        {
            Interlocked.Increment(ref _badCharsetHits);
            response.Headers.ContentType = "application/json; charset=x-no-such-charset";
            await response.WriteAsync("""{"id":7,"created":true}""");
        });

        // A 503 asking for a retry in 10 s.
        app.MapGet("/retry-later", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "10";
            return Results.Text("down for maintenance", "text/plain", statusCode: 503);
        });

        // A 503 asking for a retry in an hour, as an HTTP date.
        app.MapGet("/retry-at-date", (HttpResponse response) =>
        {
            Interlocked.Increment(ref _retryAtDateHits);
            response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddHours(1).ToString("R");
            return Results.Text("down for maintenance", "text/plain", statusCode: 503);
        });

        // A token endpoint that never answers.
        app.MapPost("/token-hangs", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted));

        // A 503 asking for a retry in 68 years.
        app.MapGet("/retry-much-later", (HttpResponse response) =>
        {
            response.Headers.RetryAfter = "2147483647";
            return Results.Text("down for maintenance", "text/plain", statusCode: 503);
        });

        app.MapGet("/basic-check", (HttpRequest request) =>
            request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("api-user:basic pass:W3"))
                ? Results.Json(new { authenticated = true })
                : Results.Json(new { authenticated = false }, statusCode: 401));

        // Token endpoints that answer 200 with no token: a login page (a wrong URL, a proxy's page), a number.
        app.MapPost("/token-html", () => Results.Text("<html><body>Please log in</body></html>", "text/html"));
        app.MapPost("/token-number", () => Results.Text("""{"access_token":12345,"token_type":"Bearer"}""", "application/json"));

        // An API that moved (same host), and a redirect to another host: localhost where the call went to 127.0.0.1,
        // same port, which a client must treat as another host. /echo says what reached it.
        app.MapGet("/v1/basic-check", () => Results.Redirect("/basic-check", permanent: true));
        app.MapGet("/elsewhere/{**path}", (HttpRequest request, string path) =>
            Results.Redirect($"http://localhost:{request.Host.Port}/{path}"));
        app.MapGet("/echo", (HttpRequest request) => Results.Json(new
        {
            host = request.Host.Host,
            query = request.QueryString.Value,
            headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()),
        }));

        app.MapGet("/deep", () => Results.Text(new string('[', 100) + new string(']', 100), "application/json"));

        // JSON that names a member twice: Jackson, which Camunda's connectors read with, keeps the last.
        app.MapGet("/repeated", () => Results.Text("""{"id":1,"nested":{"k":"a","k":"b"},"id":2}""", "application/json"));
        app.MapPost("/token-repeated", () => Results.Text("""{"access_token":"first-T0K","token_type":"Bearer","access_token":"second-T0K"}""", "application/json"));
    }
}

/// <summary>What a hostile or odd upstream does to the shipped HTTP connectors (attack round ten).</summary>
public sealed class HostileUpstreamTests(HostileUpstreamFixture fixture) : IClassFixture<HostileUpstreamFixture>
{
    private Task<SpiffCall> DoAsync(string command, JsonObject body) => SpiffCall.DoAsync(fixture.Host.Http, "http/" + command, body.ToJsonString());

    [Theory]
    [InlineData("GetRequestV2")]
    [InlineData("CamundaRestRequest")]
    public async Task A_cookie_one_call_received_is_not_sent_by_a_later_unrelated_call(string command)
    {
        JsonObject Get(string path) => command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url(path) }
            : new JsonObject { ["method"] = "GET", ["url"] = fixture.Url(path) };
        var login = await DoAsync(command, Get("login"));
        login.Json["error"].Should().BeNull(login.Text);

        // Another process, another user, no cookie of its own.
        var other = await DoAsync(command, Get("whoami"));

        other.Json["error"].Should().BeNull(other.Text);
        other.Text.Should().NotContain("alice-session-S3CRET", "a session cookie the upstream set for one call must not ride along on later calls to that host");
    }

    [Theory]
    [InlineData("GetRequestV2", "endless")]
    [InlineData("GetRequestV2", "declared-huge")]
    [InlineData("CamundaRestRequest", "endless")]
    public async Task A_response_body_beyond_16_MiB_fails_the_call_as_too_large_before_more_is_read(string command, string path)
    {
        var input = command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url(path), ["timeout_seconds"] = 120 }
            : new JsonObject { ["method"] = "GET", ["url"] = fixture.Url(path), ["readTimeoutInSeconds"] = 120 };

        var call = await DoAsync(command, input);

        call.Json["error"]?["error_code"]?.GetValue<string>().Should().Be("HttpResponseTooLarge", call.Text[..Math.Min(500, call.Text.Length)]);
        call.Text.Should().Contain("16777216 bytes");
    }

    [Fact]
    public async Task A_200_with_an_unknown_charset_is_the_calls_result_read_as_UTF8_not_a_retryable_failure()
    {
        var call = await DoAsync("PostRequestV2", new JsonObject { ["url"] = fixture.Url("bad-charset"), ["data"] = new JsonObject { ["item"] = "book" } });

        call.Json["error"].Should().BeNull("the upstream answered 200 and acted on the POST; a retryable failure would POST again: " + call.Text);
        call.Json["command_response"]!["body"]!["created"]!.GetValue<bool>().Should().BeTrue();
        fixture.BadCharsetHits.Should().Be(1);
    }

    [Fact]
    public async Task A_503_asking_for_a_retry_beyond_what_the_call_waits_is_its_HttpError503()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Url("retry-much-later"), ["timeout_seconds"] = 10 });

        call.Json["error"]?["error_code"]?.GetValue<string>().Should().Be("HttpError503", call.Text);
    }

    [Fact]
    public async Task A_503_asking_for_a_retry_after_the_calls_timeout_is_its_HttpError503_at_once_not_a_timeout()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Url("retry-later"), ["timeout_seconds"] = 3 });

        call.Json["error"]?["error_code"]?.GetValue<string>().Should().Be("HttpError503",
            "the upstream answered at once; waiting 10 s for a retry in a call of 3 s would end as HttpTimeout, 'did not answer': " + call.Text);
    }

    [Theory]
    [InlineData("token-html")]
    [InlineData("token-number")]
    public async Task A_token_endpoint_answering_no_token_is_OAuthTokenRefused(string path)
    {
        var call = await DoAsync("CamundaRestRequest", new JsonObject
        {
            ["method"] = "GET",
            ["url"] = fixture.Url("whoami"),
            ["authentication"] = new JsonObject
            {
                ["type"] = "oauth-client-credentials-flow",
                ["oauthTokenEndpoint"] = fixture.Url(path),
                ["clientId"] = "my-client",
                ["clientSecret"] = "my-secret-Q7",
            },
        });

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("OAuthTokenRefused", call.Text);
        call.Text.Should().NotContain("my-secret-Q7");
    }

    // The token request ran with the call's cancellation alone: a token endpoint that never answered held a call whose
    // timeouts add up to 2 s for the connector's whole timeout, 5 minutes.
    [Fact]
    public async Task A_token_endpoint_that_never_answers_fails_the_call_within_its_connection_and_read_timeouts()
    {
        var call = await DoAsync("CamundaRestRequest", new JsonObject
        {
            ["method"] = "GET",
            ["url"] = fixture.Url("echo"),
            ["connectionTimeoutInSeconds"] = 1,
            ["readTimeoutInSeconds"] = 1,
            ["authentication"] = new JsonObject
            {
                ["type"] = "oauth-client-credentials-flow",
                ["oauthTokenEndpoint"] = fixture.Url("token-hangs"),
                ["clientId"] = "my-client",
                ["clientSecret"] = "my-secret-Q7",
            },
        }).WaitAsync(TimeSpan.FromSeconds(60));

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("OAuthTokenFailed", call.Text);
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("did not answer within 2 s");
    }

    // Read as no Retry-After at all, the date form was retried twice within a second.
    [Fact]
    public async Task A_503_asking_for_a_retry_at_a_date_an_hour_away_is_its_HttpError503_without_a_retry()
    {
        var hits = fixture.RetryAtDateHits;
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Url("retry-at-date"), ["timeout_seconds"] = 10 });

        call.Json["error"]?["error_code"]?.GetValue<string>().Should().Be("HttpError503", call.Text);
        (fixture.RetryAtDateHits - hits).Should().Be(1, "the server asked for a pause longer than the call may wait");
    }

    // .NET refuses them as the request is sent, which came back as a retryable connection failure.
    [Theory]
    [InlineData("GetRequestV2", "X-Name", "Zoë", "beyond ASCII")]
    [InlineData("CamundaRestRequest", "X-Name", "Zoë", "beyond ASCII")]
    [InlineData("CamundaRestRequest", "Content-Length", "2", "the body's length")]
    public async Task A_header_the_request_cannot_carry_is_an_input_error_and_nothing_is_sent(string command, string header, string value, string problem)
    {
        var headers = new JsonObject { [header] = value };
        var call = await DoAsync(command, command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url("echo"), ["headers"] = headers }
            : new JsonObject { ["method"] = "POST", ["url"] = fixture.Url("echo"), ["headers"] = headers, ["body"] = new JsonObject { ["a"] = 1 } });

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidHeader", call.Text);
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain(problem);
    }

    [Theory]
    [InlineData("GetRequestV2")]
    [InlineData("CamundaRestRequest")]
    public async Task A_JSON_answer_naming_a_member_twice_keeps_its_last_value_as_Camunda_reads_it(string command)
    {
        // Both were kept, and written out again: the process saw whichever its reader took, and the host's own FEEL
        // failed on the object when it read it by name.
        var input = command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url("repeated") }
            : new JsonObject { ["method"] = "GET", ["url"] = fixture.Url("repeated") };

        var call = await DoAsync(command, input);

        call.Json["error"].Should().BeNull(call.Text);
        var body = command == "GetRequestV2" ? call.Json["command_response"]!["body"]! : call.Json["command_response"]!["body"]!["body"]!;
        body.ToJsonString().Should().Be("""{"id":2,"nested":{"k":"b"}}""");
    }

    [Fact]
    public async Task A_token_endpoint_answering_access_token_twice_gives_the_last_one_as_Camunda_reads_it()
    {
        // The object threw ArgumentException when the token was read from it: the call failed as ConnectorFailed with
        // the exception's text for its message.
        var call = await DoAsync("CamundaRestRequest", new JsonObject
        {
            ["method"] = "GET",
            ["url"] = fixture.Url("echo"),
            ["authentication"] = new JsonObject
            {
                ["type"] = "oauth-client-credentials-flow",
                ["oauthTokenEndpoint"] = fixture.Url("token-repeated"),
                ["clientId"] = "my-client",
                ["clientSecret"] = "my-secret-Q7",
            },
        });

        call.Json["error"].Should().BeNull(call.Text);
        call.Json["command_response"]!["body"]!["body"]!["headers"]!["Authorization"]!.GetValue<string>().Should().Be("Bearer second-T0K");
    }

    [Fact]
    public async Task A_TEXT_return_format_in_an_encoding_this_host_refuses_is_InvalidEncoding_before_the_request_goes_out()
    {
        var call = await DoAsync("CamundaRestRequest", new JsonObject
        {
            ["method"] = "GET",
            ["url"] = fixture.Url("login"),
            ["documentReturnFormat"] = new JsonObject { ["choice"] = "TEXT", ["encoding"] = "utf-7" },
        });

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidEncoding", call.Text);
    }

    [Theory]
    [InlineData("GetRequestV2")]
    [InlineData("CamundaRestRequest")]
    public async Task JSON_nested_100_deep_is_parsed_as_the_upstream_says_JSON(string command)
    {
        var input = command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url("deep") }
            : new JsonObject { ["method"] = "GET", ["url"] = fixture.Url("deep") };

        var call = await DoAsync(command, input);

        // Read back as deep as it was sent (a reader's default depth is 64).
        var answer = JsonNode.Parse(call.Text, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 200 })!;
        answer["error"].Should().BeNull(call.Text[..Math.Min(300, call.Text.Length)]);
        call.Text.Should().NotContain("raw_response").And.Contain(":" + new string('[', 100), "the body is the JSON itself, not its text");
    }

    [Fact]
    public async Task Credentials_in_the_URLs_user_part_are_sent_as_basic_auth()
    {
        var url = new UriBuilder(fixture.Url("basic-check")) { UserName = "api-user", Password = Uri.EscapeDataString("basic pass:W3") }.Uri.ToString();

        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = url });

        call.Json["error"].Should().BeNull("SpiffArena's HTTP commands (Python requests) send a URL's user:password@ as basic auth: " + call.Text);
        call.Text.Should().NotContain("W3");
    }

    // Redirects (attack round ten): a credential given for one host goes on to that host and never to another one a
    // redirect names; headers the user wrote themselves go on, as Python requests sends them.

    [Theory]
    [InlineData("headers")]
    [InlineData("query")]
    public async Task A_CamundaRest_API_key_is_not_sent_to_another_host_a_redirect_names(string apiKeyLocation)
    {
        var call = await DoAsync("CamundaRestRequest", new JsonObject
        {
            ["method"] = "GET",
            ["url"] = fixture.Url("elsewhere/echo"),
            ["followRedirects"] = true,
            ["headers"] = new JsonObject { ["X-Trace"] = "trace-11" },
            ["authentication"] = new JsonObject { ["type"] = "apiKey", ["apiKeyLocation"] = apiKeyLocation, ["name"] = "X-Api-Key", ["value"] = "api-key-K9" },
        });

        call.Json["error"].Should().BeNull(call.Text);
        call.Text.Should().Contain("\"host\":\"localhost\"", "the redirect to the other host was followed");
        // By name: the value of a secret input is masked in the output, so it would not show even if it had been sent.
        call.Text.Should().NotContain("X-Api-Key", "the API key was given for 127.0.0.1, not for the host a redirect named");
        call.Text.Should().Contain("trace-11", "a header the user wrote goes on, as requests sends it");
    }

    [Theory]
    [InlineData("GetRequestV2")]
    [InlineData("CamundaRestRequest")]
    public async Task Authorization_is_not_sent_to_another_host_a_redirect_names(string command)
    {
        var input = command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url("elsewhere/echo"), ["basic_auth_username"] = "api-user", ["basic_auth_password"] = "basic pass:W3" }
            : new JsonObject
            {
                ["method"] = "GET", ["url"] = fixture.Url("elsewhere/echo"), ["followRedirects"] = true,
                ["authentication"] = new JsonObject { ["type"] = "bearer", ["token"] = "bearer-token-T5" },
            };

        var call = await DoAsync(command, input);

        call.Json["error"].Should().BeNull(call.Text);
        call.Text.Should().Contain("\"host\":\"localhost\"", "the redirect to the other host was followed");
        call.Text.Should().NotContain("Authorization").And.NotContain("bearer-token-T5");
    }

    [Theory]
    [InlineData("GetRequestV2")]
    [InlineData("CamundaRestRequest")]
    public async Task Basic_auth_goes_on_when_a_redirect_stays_on_the_same_host(string command)
    {
        var input = command == "GetRequestV2"
            ? new JsonObject { ["url"] = fixture.Url("v1/basic-check"), ["basic_auth_username"] = "api-user", ["basic_auth_password"] = "basic pass:W3" }
            : new JsonObject
            {
                ["method"] = "GET", ["url"] = fixture.Url("v1/basic-check"), ["followRedirects"] = true,
                ["authentication"] = new JsonObject { ["type"] = "basic", ["username"] = "api-user", ["password"] = "basic pass:W3" },
            };

        var call = await DoAsync(command, input);

        call.Json["error"].Should().BeNull("SpiffArena's requests keeps basic auth on a redirect to the same host (an API moved from /v1 to /v2): " + call.Text);
        call.Text.Should().Contain("\"authenticated\":true");
    }
}
