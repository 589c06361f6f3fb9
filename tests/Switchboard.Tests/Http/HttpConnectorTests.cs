using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Http;

/// <summary>The host with the shipped HTTP plugin and an upstream service on loopback, shared by the class's tests.</summary>
public sealed class HttpFixture : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();

    public RunningHost Host { get; private set; } = null!;
    public Upstream Upstream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        Upstream = await Upstream.StartAsync();
        Host = await RunningHost.StartAsync(_sandbox.Directory);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Upstream.DisposeAsync();
        _sandbox.Dispose();
    }
}

public sealed class HttpConnectorTests(HttpFixture fixture) : IClassFixture<HttpFixture>
{
    private const string Type = "io.switchboard:http:1";

    private Task<SpiffCall> DoAsync(string command, JsonObject body) => SpiffCall.DoAsync(fixture.Host.Http, "http/" + command, body.ToJsonString());

    private static JsonNode Response(SpiffCall call) => call.Json["command_response"]!;

    [Fact]
    public async Task The_commands_are_the_V2_names_and_never_the_backends_reserved_ones()
    {
        var commands = (await SpiffCall.GetAsync(fixture.Host.Http, "/v1/commands")).Json.AsArray()
            .Select(c => c!["id"]!.GetValue<string>()).Where(id => id.StartsWith("http/")).ToList();

        commands.Should().BeEquivalentTo("http/GetRequestV2", "http/HeadRequestV2", "http/PostRequestV2",
            "http/PutRequestV2", "http/PatchRequestV2", "http/DeleteRequestV2", "http/CamundaRestRequest");
    }

    [Fact]
    public async Task A_JSON_answer_holding_an_escaped_lone_surrogate_is_the_calls_result_not_a_retryable_failure()
    {
        // It was answered ConnectorFailed (InvalidOperationException), retryable: a POST that reached the service and got
        // its 200 was sent again by every retry of its Zeebe job.
        var call = await DoAsync("PostRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("cut-text"), ["data"] = new JsonObject { ["item"] = "book" } });

        call.Json["error"].Should().BeNull(call.Text);
        var body = Response(call)["body"]!;
        body["id"]!.GetValue<int>().Should().Be(42);
        body["title"]!.GetValue<string>().Should().Be("cut \uFFFD", "a lone half of a pair reads as U+FFFD, as any decoder of UTF-16 reads it");
    }

    [Fact]
    public async Task A_JSON_response_is_the_body_with_its_status_and_media_type_and_headers_when_asked()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("json"), ["include_response_headers"] = true });

        call.Status.Should().Be(HttpStatusCode.OK);
        call.Json["error"].Should().BeNull(call.Text);
        Response(call)["body"]!["id"]!.GetValue<int>().Should().Be(123);
        Response(call)["body"]!["tags"]!.AsArray().Should().HaveCount(2);
        Response(call)["http_status"]!.GetValue<int>().Should().Be(200);
        Response(call)["mimetype"]!.GetValue<string>().Should().Be("application/json");
        Response(call)["headers"]!["Content-Type"]!.GetValue<string>().Should().StartWith("application/json");
    }

    [Fact]
    public async Task Without_include_response_headers_the_headers_stay_empty()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("json") });

        Response(call)["headers"]!.AsObject().Should().BeEmpty();
    }

    [Theory]
    [InlineData("xml", "<item><id>7</id></item>", "application/xml")]
    [InlineData("text", "plain hello", "text/plain")]
    public async Task XML_and_text_responses_are_raw_response_text(string path, string text, string mediaType)
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url(path) });

        Response(call)["body"]!["raw_response"]!.GetValue<string>().Should().Be(text);
        Response(call)["mimetype"]!.GetValue<string>().Should().Be(mediaType);
    }

    [Fact]
    public async Task A_404_is_a_permanent_HttpError404_with_the_upstream_status_and_body()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("missing") });

        call.Status.Should().Be(HttpStatusCode.OK, "the failure travels in the envelope");
        Response(call)["http_status"]!.GetValue<int>().Should().Be(404);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HttpError404");
        Response(call)["body"]!["data"]!["error"]!.GetValue<string>().Should().Be("no such item");

        var csp = await fixture.Host.Http.PostAsync(CspCall.Request(1, Type, new JsonObject { ["url"] = fixture.Upstream.Url("missing") }, "get"));
        csp.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("HttpError404");
        csp.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_500_is_retried_then_reported_as_a_transient_HttpError500()
    {
        var before = fixture.Upstream.BoomHits;

        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("boom") });

        Response(call)["http_status"]!.GetValue<int>().Should().Be(500, "SpiffArena retries 5xx");
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HttpError500");
        Response(call)["body"]!["data"]!["raw_response"]!.GetValue<string>().Should().Be("exploded");
        (fixture.Upstream.BoomHits - before).Should().Be(3, "a GET is tried once and retried twice");
    }

    [Fact]
    public async Task A_GET_answered_503_once_is_retried_and_succeeds()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("flaky") });

        call.Json["error"].Should().BeNull(call.Text);
        Response(call)["body"]!["recovered"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_slow_upstream_times_out_as_a_transient_HttpTimeout()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("slow"), ["timeout_seconds"] = 1 });

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HttpTimeout");
        Response(call)["http_status"]!.GetValue<int>().Should().Be(504);
    }

    [Fact]
    public async Task An_unreachable_host_is_a_transient_connection_failure()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closed = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        probe.Stop();

        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = closed });

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HttpConnectionFailed");
        Response(call)["http_status"]!.GetValue<int>().Should().Be(502);
    }

    [Fact]
    public async Task Redirects_are_followed()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("redirect") });

        Response(call)["body"]!["id"]!.GetValue<int>().Should().Be(123);
    }

    [Fact]
    public async Task Basic_auth_is_sent_and_its_absence_is_a_401()
    {
        var ok = await DoAsync("GetRequestV2", new JsonObject
        {
            ["url"] = fixture.Upstream.Url("basic"), ["basic_auth_username"] = Upstream.User, ["basic_auth_password"] = Upstream.Password,
        });
        var refused = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("basic") });

        Response(ok)["body"]!["authenticated"]!.GetValue<bool>().Should().BeTrue();
        refused.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HttpError401");
    }

    [Fact]
    public async Task Query_params_and_headers_are_sent()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject
        {
            ["url"] = fixture.Upstream.Url("echo"),
            ["params"] = new JsonObject { ["q"] = "a b", ["n"] = 2, ["tag"] = new JsonArray("x", "y") },
            ["headers"] = new JsonObject { ["Accept"] = "application/json" },
        });

        Response(call)["body"]!["query"]!.GetValue<string>().Should().Be("?q=a%20b&n=2&tag=x&tag=y");
        Response(call)["body"]!["accept"]!.GetValue<string>().Should().Be("application/json");
    }

    [Theory]
    [InlineData("PostRequestV2", "json", "POST", "application/json; charset=utf-8", """{"name":"widget","count":2}""")]
    [InlineData("PutRequestV2", "form", "PUT", "application/x-www-form-urlencoded", "name=widget&count=2")]
    [InlineData("PatchRequestV2", "raw", "PATCH", "text/plain; charset=utf-8", """{"name":"widget","count":2}""")]
    public async Task Bodies_are_sent_in_the_chosen_format(string command, string format, string method, string contentType, string sent)
    {
        var call = await DoAsync(command, new JsonObject
        {
            ["url"] = fixture.Upstream.Url("echo"),
            ["data"] = new JsonObject { ["name"] = "widget", ["count"] = 2 },
            ["body_format"] = format,
        });

        var echoed = Response(call)["body"]!;
        echoed["method"]!.GetValue<string>().Should().Be(method);
        echoed["contentType"]!.GetValue<string>().Should().Be(contentType);
        echoed["body"]!.GetValue<string>().Should().Be(sent);
    }

    [Fact]
    public async Task Raw_text_data_is_sent_as_it_is_and_a_DELETE_without_a_body_sends_none()
    {
        var raw = await DoAsync("PostRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("echo"), ["data"] = "<ping/>", ["body_format"] = "raw" });
        var delete = await DoAsync("DeleteRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("echo"), ["body_format"] = "none" });

        Response(raw)["body"]!["body"]!.GetValue<string>().Should().Be("<ping/>");
        Response(delete)["body"]!["method"]!.GetValue<string>().Should().Be("DELETE");
        Response(delete)["body"]!["body"]!.GetValue<string>().Should().BeEmpty();
    }

    [Fact]
    public async Task HEAD_returns_status_and_headers_without_a_body()
    {
        var call = await DoAsync("HeadRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("echo"), ["include_response_headers"] = true });

        Response(call)["http_status"]!.GetValue<int>().Should().Be(200);
        Response(call)["body"]!.AsObject().Should().BeEmpty();
        Response(call)["headers"]!["X-Upstream"]!.GetValue<string>().Should().Be("echo");
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.com/file"}""", "url")]
    [InlineData("""{"url":"not a url"}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1/","body_format":"xml"}""", "body_format")]
    [InlineData("""{"url":"http://127.0.0.1/","body_format":"form","data":[1,2]}""", "data")]
    public async Task Bad_parameters_are_400_InvalidParameters_naming_the_field(string body, string field)
    {
        var call = await SpiffCall.DoAsync(fixture.Host.Http, "http/PostRequestV2", body);

        Response(call)["http_status"]!.GetValue<int>().Should().Be(400);
        call.Text.Should().Contain(field);
    }

    [Fact]
    public async Task Over_CSP_the_operation_picks_the_method_and_the_status_is_passed_on()
    {
        var answer = await fixture.Host.Http.PostAsync(CspCall.Request(7, Type,
            new JsonObject { ["url"] = fixture.Upstream.Url("echo"), ["data"] = new JsonObject { ["a"] = 1 } }, "put"));

        answer.Error.Should().BeNull(answer.Text);
        answer.Result!["output"]!["method"]!.GetValue<string>().Should().Be("PUT");
        answer.Result["statusCode"]!.GetValue<int>().Should().Be(200);
    }

    [Fact]
    public async Task Credentials_and_Authorization_headers_never_reach_the_logs()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Http")), watch: false);
        var input = new JsonObject
        {
            ["url"] = fixture.Upstream.Url("basic") + "?token=query-secret-1",
            ["basic_auth_username"] = Upstream.User,
            ["basic_auth_password"] = Upstream.Password,
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer header-secret-2" },
        };

        var outcome = await harness.Pipeline.InvokeAsync(new Invocation(Type, "get", input, Protocol.InProcess));

        outcome.Error.Should().BeNull(outcome.Error?.Message);
        harness.Logs.All.Should().Contain("GET " + fixture.Upstream.Url("basic") + " answered 200")
            .And.NotContain(Upstream.Password).And.NotContain("header-secret-2").And.NotContain("query-secret-1");
    }

    [Theory]
    [InlineData("X-A", "v\r\nContent-Length: 0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: internal")]
    [InlineData("X-A", "v\nInjected: 1")]
    [InlineData("X-A", "nul\u0000byte")]
    [InlineData("X A", "space in the name")]
    [InlineData("X-A:\r\nInjected", "v")]
    public async Task A_header_that_could_split_the_request_is_an_input_error_and_nothing_is_sent(string name, string value)
    {
        var input = new JsonObject { ["url"] = fixture.Upstream.Url("echo"), ["headers"] = new JsonObject { [name] = value } };
        var before = fixture.Upstream.Requests;

        var spiff = await DoAsync("GetRequestV2", input);
        var csp = await fixture.Host.Http.PostAsync(CspCall.Request(3, Type, input, "get"));
        // Requests arrive in order: once this one is counted, anything the refused calls sent would have been too.
        var marker = await DoAsync("GetRequestV2", new JsonObject { ["url"] = fixture.Upstream.Url("json") });

        Response(spiff)["http_status"]!.GetValue<int>().Should().Be(400, spiff.Text);
        spiff.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidHeader", spiff.Text);
        csp.ErrorCode.Should().Be(-32602, csp.Text);
        csp.InvalidFields.Should().Contain("headers");
        csp.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("header").And.NotContain("\n", "a refused name is shown escaped, a value not at all");
        marker.Json["error"].Should().BeNull(marker.Text);
        fixture.Upstream.Requests.Should().Be(before + 1, "only the marker request reached the upstream");
    }

    [Fact]
    public async Task Credentials_in_the_URL_user_part_appear_in_no_answer_and_no_log_line()
    {
        await using var harness = await CatalogHarness.StartAsync(sandbox => sandbox.Add(Repository.ShippedPlugin("Http")), watch: false);
        var withUser = new UriBuilder(fixture.Upstream.Url("basic")) { UserName = "someone", Password = "S3cr3t-in-url" }.Uri.ToString();
        var input = new JsonObject { ["url"] = withUser };

        var spiff = await DoAsync("GetRequestV2", input);
        var csp = await fixture.Host.Http.PostAsync(CspCall.Request(4, Type, input, "get"));
        var direct = await harness.Pipeline.InvokeAsync(new Invocation(Type, "get", input, Protocol.InProcess));

        Response(spiff)["http_status"]!.GetValue<int>().Should().Be(401, spiff.Text);
        spiff.Text.Should().NotContain("S3cr3t-in-url").And.NotContain("someone:");
        csp.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("HttpError401", csp.Text);
        csp.Text.Should().NotContain("S3cr3t-in-url");
        direct.Error!.Message.Should().Contain(fixture.Upstream.Url("basic")).And.NotContain("S3cr3t-in-url");
        harness.Logs.All.Should().Contain("answered 401").And.NotContain("S3cr3t-in-url");
    }

    [Fact]
    public async Task A_GET_from_SpiffArena_with_its_callback_url_answers_at_once_with_status_and_headers()
    {
        var call = await DoAsync("GetRequestV2", new JsonObject
        {
            ["url"] = fixture.Upstream.Url("json"),
            ["include_response_headers"] = true,
            ["spiff__task_id"] = "t-1",
            ["spiff__callback_url"] = "http://127.0.0.1:9/v1.0/tasks/1/t-1/callback",
        });

        call.Status.Should().Be(HttpStatusCode.OK, "the 300 s timeout is no reason to run in the background: " + call.Text);
        Response(call)["http_status"]!.GetValue<int>().Should().Be(200);
        Response(call)["body"]!["id"]!.GetValue<int>().Should().Be(123);
        Response(call)["headers"]!["Content-Type"]!.GetValue<string>().Should().StartWith("application/json");
    }
}
