using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Csp;

/// <summary>Bodies a broken or hostile client sends: each gets the right JSON-RPC error (or 413), and the host keeps serving.</summary>
public sealed class CspMalformedRequestTests(CspHostFixture fixture) : IClassFixture<CspHostFixture>
{
    private const string Calc = "\"method\":\"io.switchboard:calculator:1\"";
    private const string Input = "\"params\":{\"input\":{\"action\":\"add\",\"a\":1,\"b\":2}}";

    private readonly HttpClient _http = fixture.Http;

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"io.switchboard:calculator:1\",\"params\":{\"input\":{\"action\":\"add\",\"a\":1,")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("jsonrpc=2.0&method=add")]
    [InlineData("{'jsonrpc':'2.0'}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2," + Calc + "," + Input + "}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + "," + Input + "} trailing")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":01," + Calc + "," + Input + "}")]
    public async Task A_body_that_is_not_JSON_is_a_parse_error_with_a_null_id(string body)
    {
        var answer = await _http.PostAsync(body);

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.ErrorCode.Should().Be(-32700);
        answer.Error!["message"]!.GetValue<string>().Should().Be("Parse error");
        answer.Json["id"].Should().BeNull();
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().StartWith("the body is not valid JSON");
        await StillServes();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \r\n\t")]
    public async Task An_empty_body_is_called_empty_not_described_in_the_parsers_words(string body)
    {
        var answer = await _http.PostAsync(body);

        answer.ErrorCode.Should().Be(-32700);
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Be("the body is not valid JSON: it is empty");
    }

    [Fact]
    public async Task Protocol_level_errors_carry_errorCode_errorMessage_and_retryable_as_every_other_error_does()
    {
        var parse = await _http.PostAsync("{");
        var invalid = await _http.PostAsync("42");

        parse.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("ParseError", parse.Text);
        parse.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse();
        invalid.ErrorData!["errorCode"]!.GetValue<string>().Should().Be("InvalidRequest", invalid.Text);
        invalid.ErrorData["retryable"]!.GetValue<bool>().Should().BeFalse();
        invalid.ErrorData["errorMessage"].Should().NotBeNull();
    }

    [Fact]
    public async Task A_body_starting_with_a_UTF8_byte_order_mark_is_read_as_Spiff_reads_it()
    {
        var json = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":5," + Calc + "," + Input + "}");
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. json]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync("/csp/connector", content);
        var text = await response.Content.ReadAsStringAsync();

        JsonNode.Parse(text)!["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(3, text);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"io.switchboard:calculator:1\\ud800\"," + Input + "}", "method")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7," + Calc + ",\"params\":{\"input\":{\"action\":\"add\",\"a\":1,\"b\":2,\"note\":\"\\udc00\"}}}", "params.input.note")]
    // Upper-case hex: the check on the raw text must not miss the escape's other spelling.
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7," + Calc + ",\"params\":{\"input\":{\"action\":\"add\",\"a\":1,\"b\":2,\"memo\":\"x\\uDBFFy\"}}}", "params.input.memo")]
    public async Task A_lone_surrogate_is_an_invalid_params_error_naming_the_field_and_keeping_the_id(string body, string field)
    {
        var answer = await _http.PostAsync(body);

        answer.ErrorCode.Should().Be(-32602, answer.Text);
        answer.Json["id"]!.GetValue<int>().Should().Be(7);
        answer.InvalidFields.Should().Contain(field);
        await StillServes();
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":\"a\\ud800\"," + Calc + "," + Input + "}", "id", false)]
    [InlineData("{\"jsonrpc\":\"2.0\\ud800\",\"id\":7," + Calc + "," + Input + "}", "jsonrpc", true)]
    public async Task A_lone_surrogate_in_the_id_or_the_version_is_an_invalid_request_naming_it(string body, string member, bool idKept)
    {
        var answer = await _http.PostAsync(body);
        // In a batch, the one broken request is answered as such and the others run.
        var batch = await _http.PostAsync("[" + body + ",{\"jsonrpc\":\"2.0\",\"id\":8," + Calc + "," + Input + "}]");

        answer.ErrorCode.Should().Be(-32600, answer.Text);
        answer.Json["error"]!["data"]!["retryable"]!.GetValue<bool>().Should().BeFalse();
        answer.Json["error"]!["data"]!["errorMessage"]!.GetValue<string>().Should().StartWith(member + " ");
        if (idKept)
            answer.Json["id"]!.GetValue<int>().Should().Be(7);
        else
            answer.Json["id"].Should().BeNull();
        var answers = batch.Json.AsArray();
        answers.Should().HaveCount(2, batch.Text);
        answers.Single(a => a!["id"]?.GetValue<int>() == 8)!["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(3);
        answers.Should().ContainSingle(a => a!["error"] != null && a["error"]!["code"]!.GetValue<int>() == -32600);
        await StillServes();
    }

    [Theory]
    [InlineData("GET", "/csp/connector", 405, "MethodNotAllowed")]
    [InlineData("POST", "/csp/nothing-here", 404, "NotFound")]
    public async Task Framework_refusals_on_CSP_routes_are_JSON_RPC_errors(string method, string path, int status, string code)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().Be(status, text);
        var error = JsonNode.Parse(text)!["error"]!;
        error["code"]!.GetValue<int>().Should().Be(-32600);
        error["data"]!["errorCode"]!.GetValue<string>().Should().Be(code);
    }

    [Fact]
    public async Task An_over_long_URL_or_header_block_is_answered_as_a_JSON_RPC_error()
    {
        using var longUrl = await _http.PostAsync("/csp/connector?pad=" + new string('x', 10_000), new StringContent("{}"));
        using var bigHeaders = new HttpRequestMessage(HttpMethod.Post, "/csp/connector") { Content = new StringContent("{}") };
        bigHeaders.Headers.Add("X-Pad", new string('y', 40_000));
        using var tooMany = await _http.SendAsync(bigHeaders);

        ((int)longUrl.StatusCode).Should().Be(414);
        JsonNode.Parse(await longUrl.Content.ReadAsStringAsync())!["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("UriTooLong");
        ((int)tooMany.StatusCode).Should().Be(431);
        JsonNode.Parse(await tooMany.Content.ReadAsStringAsync())!["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("HeadersTooLarge");
        await StillServes();
    }

    [Fact]
    public async Task A_broken_chunked_body_is_answered_as_a_JSON_RPC_error()
    {
        var (status, body) = await RawHttp.SendAsync(fixture.Host.Address,
            "POST /csp/connector HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        status.Should().Be(400);
        var error = JsonNode.Parse(body)!["error"]!;
        error["code"]!.GetValue<int>().Should().Be(-32600);
        error["data"]!["errorCode"]!.GetValue<string>().Should().Be("BadRequestBody");
        error["data"]!["errorMessage"]!.GetValue<string>().Should().Contain("chunk");
        await StillServes();
    }

    [Theory]
    [InlineData("text/plain", 415, "must be application/json, not text/plain")]
    [InlineData("application/x-www-form-urlencoded", 415, "must be application/json")]
    [InlineData(null, 415, "Content-Type header is missing")]
    [InlineData("application/json; charset=utf-16", 415, "must be UTF-8, not utf-16")]
    [InlineData("application/json-rpc+json", 200, null)]
    [InlineData("Application/JSON; charset=UTF-8", 200, null)]
    public async Task Only_a_JSON_body_is_read_so_that_a_web_page_cannot_post_one_unasked(string? contentType, int status, string? problem)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(CspCall.Request(4, CspCall.Calculator, CspCall.Add(1, 2)).ToJsonString()));
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.PostAsync("/csp/connector", content);
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).Should().Be(status, text);
        var answer = JsonNode.Parse(text)!;
        if (problem is null)
        {
            answer["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(3);
            return;
        }
        answer["error"]!["code"]!.GetValue<int>().Should().Be(-32600);
        answer["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("UnsupportedMediaType");
        answer["error"]!["data"]!["errorMessage"]!.GetValue<string>().Should().Contain(problem);
        answer["error"]!["data"]!["retryable"]!.GetValue<bool>().Should().BeFalse();
        await StillServes();
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF8_are_a_parse_error()
    {
        using var content = new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync("/csp/connector", content);

        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>().Should().Be(-32700);
        await StillServes();
    }

    [Theory]
    [InlineData("42", null, "a request must be a JSON object, not a number")]
    [InlineData("\"call\"", null, "not a string")]
    [InlineData("null", null, "not null")]
    [InlineData("true", null, "not a boolean")]
    [InlineData("{\"jsonrpc\":2.0,\"id\":1," + Calc + "," + Input + "}", "1", "jsonrpc must be the string \"2.0\", not a number")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":1," + Calc + "," + Input + "}", "1", "jsonrpc must be \"2.0\"")]
    [InlineData("{\"id\":1," + Calc + "," + Input + "}", "1", "jsonrpc must be the string \"2.0\", not null")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Input + "}", "1", "method must name a connector type: a non-empty string (it is missing)")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7," + Input + "}", "1", "not a number")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"," + Input + "}", "1", "not an empty string")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":[\"x\"]," + Input + "}", "1", "not an array")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{\"n\":1}," + Calc + "," + Input + "}", null, "id must be a string, a number or null, not an object")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":[1]," + Calc + "," + Input + "}", null, "not an array")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":true," + Calc + "," + Input + "}", null, "not a boolean")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":[1,2]}", "1", "params must be an object, not an array")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":\"x\"}", "1", "params must be an object, not a string")]
    [InlineData("{\"jsonrpc\":\"2.0\"," + Calc + ",\"params\":7}", null, "params must be an object, not a number")]
    public async Task A_JSON_value_that_is_not_a_request_object_is_an_invalid_request(string body, string? id, string problem)
    {
        var answer = await _http.PostAsync(body);

        answer.Status.Should().Be(HttpStatusCode.OK, "JSON-RPC answers even an invalid request without an id");
        answer.ErrorCode.Should().Be(-32600);
        answer.Error!["message"]!.GetValue<string>().Should().Be("Invalid Request");
        (answer.Json["id"]?.ToJsonString()).Should().Be(id);
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain(problem);
        await StillServes();
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + "}", "params.input", "is required")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{}}", "params.input", "is required")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":null}}", "params.input", "is required")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":\"a=1\"}}", "params.input", "must be a JSON object, not a string")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":[1,2]}}", "params.input", "must be a JSON object, not an array")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{},\"operation\":5}}", "params.operation", "must be a string, not a number")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{},\"callbackUrl\":{}}}", "params.callbackUrl", "must be a string, not an object")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{},\"callbackUrl\":\"/relative/cb\"}}", "params.callbackUrl", "absolute http or https URL")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{},\"callbackUrl\":\"file:///etc/passwd\"}}", "params.callbackUrl", "absolute http or https URL")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{\"action\":7,\"a\":\"x\",\"b\":{}}}}", "action", "must be one of")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{\"action\":\"add\",\"a\":[1],\"b\":true}}}", "a", "must be a number")]
    public async Task Wrong_types_inside_params_are_invalid_params_naming_the_field(string body, string field, string problem)
    {
        var answer = await _http.PostAsync(body);

        answer.ErrorCode.Should().Be(-32602);
        answer.Json["id"]!.GetValue<int>().Should().Be(1);
        answer.InvalidFields.Should().Contain(field);
        answer.ErrorData!["validationErrors"]!.AsArray()
            .First(e => e!["field"]!.GetValue<string>() == field)!["message"]!.GetValue<string>().Should().Contain(problem);
        await StillServes();
    }

    [Fact]
    public async Task A_10_MB_body_is_refused_with_413_and_the_host_keeps_serving()
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{\"pad\":\"" + new string('x', 10 * 1024 * 1024) + "\"}}}";

        var answer = await _http.PostAsync(body);

        answer.Status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        answer.ErrorCode.Should().Be(-32600);
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("larger than the limit of 1048576 bytes");
        await StillServes();
    }

    [Fact]
    public async Task A_chunked_body_without_length_is_cut_off_at_the_limit_too()
    {
        using var content = new StreamContent(new PatternStream(2 * 1024 * 1024));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/csp/connector") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        await StillServes();
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_served()
    {
        // A host of its own: the shared one gives the probe a 1 s timeout for the timeout tests, which binding and
        // echoing a megabyte can outlast on a busy machine (CI failed on it once: a timing dependence, not a limit).
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        var echo = new string('e', 1000 * 1024);
        var answer = await host.Http.PostAsync(CspCall.Request(1, CspCall.Probe, new JsonObject { ["echo"] = echo }, operation: "identify"));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Result.Should().NotBeNull(answer.Text.Length > 500 ? answer.Text[..500] : answer.Text);
        answer.Result!["output"]!["echo"]!.GetValue<string>().Should().HaveLength(echo.Length);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(100_000)]
    public async Task Nesting_deeper_than_the_limit_is_a_parse_error(int depth)
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{\"a\":" + new string('[', depth) + new string(']', depth) + "}}}";

        var answer = await _http.PostAsync(body);

        answer.ErrorCode.Should().Be(-32700);
        answer.ErrorData!["errorMessage"]!.GetValue<string>().Should().Contain("maximum configured depth of 64");
        await StillServes();
    }

    [Fact]
    public async Task Nesting_within_the_limit_reaches_binding()
    {
        var body = "{\"jsonrpc\":\"2.0\",\"id\":1," + Calc + ",\"params\":{\"input\":{\"action\":\"add\",\"b\":1,\"a\":" + new string('[', 50) + new string(']', 50) + "}}}";

        var answer = await _http.PostAsync(body);

        answer.ErrorCode.Should().Be(-32602);
        answer.InvalidFields.Should().Equal("a");
    }

    private async Task StillServes()
    {
        var answer = await _http.PostAsync(CspCall.Request(1000, CspCall.Calculator, CspCall.Add(20, 22)));
        answer.Result!["output"]!["result"]!.GetValue<double>().Should().Be(42, "the host keeps serving after a bad request");
    }

    /// <summary>An endless-looking stream of JSON-ish bytes, read in small pieces so the client sends it chunked.</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(Math.Min(count, 16 * 1024), length - _position);
            for (var i = 0; i < n; i++)
                buffer[offset + i] = _position + i == 0 ? (byte)'[' : (byte)' ';
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
