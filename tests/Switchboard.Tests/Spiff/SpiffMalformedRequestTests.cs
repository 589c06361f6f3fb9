using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Spiff;

/// <summary>Bodies a broken or hostile client sends to <c>/v1/do</c>: each gets a 4xx envelope naming the problem, never a 500 or an empty body.</summary>
public sealed class SpiffMalformedRequestTests(SpiffDoTests.HostFixture fixture) : IClassFixture<SpiffDoTests.HostFixture>
{
    private HttpClient Http => fixture.Host.Http;

    private async Task<SpiffCall> PostBytesAsync(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/do/calculator/Calculate") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SpiffCall.SendAsync(Http, request);
    }

    private static byte[] WithBadByte(string before, string after) =>
        [.. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(after)];

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task A_body_that_is_not_sent_as_JSON_is_a_415_envelope(string? contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/do/calculator/Calculate") { Content = new ByteArrayContent("""{"a":1,"b":2,"action":"add"}"""u8.ToArray()) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        var call = await SpiffCall.SendAsync(Http, request);

        call.Status.Should().Be(HttpStatusCode.UnsupportedMediaType, call.Text);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(415);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("UnsupportedMediaType");
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("application/json");
    }

    [Fact]
    public async Task A_broken_chunked_body_is_a_400_envelope()
    {
        var (status, body) = await RawHttp.SendAsync(fixture.Host.Address,
            "POST /v1/do/calculator/Calculate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        status.Should().Be(400);
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        json["error"]!["error_code"]!.GetValue<string>().Should().Be("BadRequestBody");
        json["error"]!["message"]!.GetValue<string>().Should().Contain("chunk");
    }

    [Theory]
    [InlineData("{\"a", "\":1,\"b\":2,\"action\":\"add\"}")]
    [InlineData("{\"a\":1,\"b\":2,\"action\":\"add\",\"note\":\"", "\"}")]
    public async Task Invalid_UTF8_in_a_key_or_a_value_is_a_400_envelope_saying_so(string before, string after)
    {
        var call = await PostBytesAsync(WithBadByte(before, after));

        call.Status.Should().Be(HttpStatusCode.BadRequest, call.Text);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("UTF-8");
    }

    [Theory]
    [InlineData("""{"action":"add","a":1,"b":2,"note":"\ud800"}""", "note")]
    [InlineData("""{"action":"add","a":1,"b":2,"list":["ok","x\udc00y"]}""", "list[1]")]
    public async Task A_lone_surrogate_is_an_InvalidParameters_error_naming_the_field(string body, string field)
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", body);

        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400, call.Text);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters");
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain(field).And.Contain("lone surrogate");
        // Each field's message says its own problem, as a binding error's does ("b is required" gives "is required").
        var named = call.Json["command_response"]!["body"]!["fields"]!.AsArray().Should().ContainSingle().Subject!;
        named["field"]!.GetValue<string>().Should().Be(field);
        named["message"]!.GetValue<string>().Should().StartWith("is not Unicode text");
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_key_is_a_400_envelope_saying_so()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", """{"action":"add","a":1,"b":2,"k\ud800":1}""");

        call.Status.Should().Be(HttpStatusCode.BadRequest, call.Text);
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("lone surrogate");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_envelope()
    {
        var padding = new string('x', 5 * 1024 * 1024);
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", $$"""{"action":"add","a":1,"b":2,"note":"{{padding}}"}""");

        call.Status.Should().Be(HttpStatusCode.RequestEntityTooLarge, call.Text);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(413);
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("MaxBodyBytes");
    }

    [Fact]
    public async Task A_field_error_names_the_field_once()
    {
        var call = await SpiffCall.DoAsync(Http, "calculator/Calculate", """{"action":"add","a":1}""");

        var message = call.Json["error"]!["message"]!.GetValue<string>();
        message.Should().Contain("b ").And.NotContain("The b field").And.NotContain("The field b", "the field is named once: " + message);
    }

    [Theory]
    [InlineData("GET", "/v1/do/calculator/Calculate", 405, "MethodNotAllowed")]
    [InlineData("POST", "/v1/nothing-here", 404, "NotFound")]
    [InlineData("DELETE", "/v1/commands", 405, "MethodNotAllowed")]
    public async Task Framework_refusals_on_the_proxys_routes_are_envelopes(string method, string path, int status, string code)
    {
        var call = await SpiffCall.SendAsync(Http, new HttpRequestMessage(new HttpMethod(method), path));

        ((int)call.Status).Should().Be(status, call.Text);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(status);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be(code);
    }

    [Theory]
    [InlineData("//v1/do/calculator/Calculate")]
    [InlineData("///v1//do/calculator/Calculate?x=1")]
    public async Task A_path_with_repeated_slashes_is_redirected_to_the_merged_path_and_served_there_as_the_real_proxy_does(string path)
    {
        // A backend configured with a proxy URL ending in '/' asks for //v1/do/...: Flask's router redirects it (308, so
        // the POST is sent again with its body) and the backend's client follows.
        const string json = """{"action":"add","a":1,"b":2}""";
        var (status, text) = await RawHttp.SendAsync(fixture.Host.Address,
            $"POST {path} HTTP/1.1\r\nHost: {fixture.Host.Address.Authority}\r\nContent-Type: application/json\r\n" +
            $"Content-Length: {json.Length}\r\nConnection: close\r\n\r\n{json}", includeHeaders: true);

        status.Should().Be(308, text);
        var merged = path.Contains('?') ? "/v1/do/calculator/Calculate?x=1" : "/v1/do/calculator/Calculate";
        text.Should().Contain($"Location: {merged}\r\n");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.Address.GetLeftPart(UriPartial.Authority) + path)) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        var followed = await SpiffCall.SendAsync(Http, request);
        ((int)followed.Status).Should().Be(200, followed.Text);
        followed.Json["command_response"]!["body"]!["result"]!.GetValue<decimal>().Should().Be(3);
    }

    [Fact]
    public async Task Repeated_slashes_naming_another_host_are_not_redirected_there()
    {
        // //evil.example/v1/... merged is /evil.example/v1/..., no proxy route: a 404, never a Location naming that host.
        var (status, text) = await RawHttp.SendAsync(fixture.Host.Address,
            $"GET //evil.example/v1/commands HTTP/1.1\r\nHost: {fixture.Host.Address.Authority}\r\nConnection: close\r\n\r\n", includeHeaders: true);

        status.Should().Be(404, text);
        text.Should().NotContain("Location:");
    }

    [Fact]
    public async Task An_over_long_URL_or_header_block_is_an_envelope()
    {
        var longUrl = await SpiffCall.SendAsync(Http, new HttpRequestMessage(HttpMethod.Get, "/v1/commands?pad=" + new string('x', 10_000)));
        var bigHeaders = new HttpRequestMessage(HttpMethod.Get, "/v1/commands");
        bigHeaders.Headers.Add("X-Pad", new string('y', 40_000));
        var tooMany = await SpiffCall.SendAsync(Http, bigHeaders);

        ((int)longUrl.Status).Should().Be(414, longUrl.Text);
        longUrl.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("UriTooLong");
        ((int)tooMany.Status).Should().Be(431, tooMany.Text);
        tooMany.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("HeadersTooLarge");
    }
}
