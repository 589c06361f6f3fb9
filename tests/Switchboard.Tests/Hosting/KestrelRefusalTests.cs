using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Hosting;

/// <summary>Requests Kestrel refuses before the application sees them (a NUL in the path, a request line or header block
/// beyond Kestrel's own limits, headers that never finish) are still answered in the protocol's error form on its routes.</summary>
public sealed class KestrelRefusalTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, "Kestrel:Limits:RequestHeadersTimeout=00:00:01");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    public static TheoryData<string, int, string> Refusals => new()
    {
        { "POST /csp/connector%00x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}", 400, "BadRequest" },
        { "POST /csp/connector?pad=" + new string('x', 70_000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414, "UriTooLong" },
        { "POST /csp/connector HTTP/1.1\r\nHost: a\r\nX-Pad: " + new string('y', 140_000) + "\r\n\r\n", 431, "HeadersTooLarge" },
        { "POST /csp/connector HTTP/1.1\r\nHost: a\r\nX-Slow: never finishes", 408, "RequestTimeout" },
        // The absolute form (a proxy's): Kestrel refuses a URI naming another host than Host, and it went out bodiless.
        { "POST http://elsewhere.example/csp/connector HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}", 400, "BadRequest" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_request_Kestrel_refuses_on_the_CSP_route_is_a_JSON_RPC_error(string request, int status, string code)
    {
        var (answered, body) = await RawHttp.SendAsync(_host.Address, request);

        answered.Should().Be(status);
        var error = JsonNode.Parse(body)!["error"]!;
        error["code"]!.GetValue<int>().Should().Be(-32600);
        error["data"]!["errorCode"]!.GetValue<string>().Should().Be(code);
        error["data"]!["errorMessage"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        error["data"]!["retryable"]!.GetValue<bool>().Should().BeFalse();
        await StillServes();
    }

    [Theory]
    [InlineData("/csp/connector")]
    [InlineData("/v1/do/calculator/Calculate")]
    [InlineData("/inbound/orders")]
    public async Task Too_many_small_header_fields_are_refused_naming_their_number_not_a_size_they_do_not_have(string path)
    {
        // 150 header fields of a few bytes each: about 1.5 KB, far below the 32 KiB allowed, but over Kestrel's 100 fields.
        var headers = string.Concat(Enumerable.Range(0, 150).Select(i => $"X-H{i:000}: v\r\n"));
        var request = $"POST {path} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n{headers}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}";

        var (status, body) = await RawHttp.SendAsync(_host.Address, request);

        status.Should().Be(431);
        body.Should().Contain("more than 100 header fields", "the header block is small; its number of fields is the problem");
        JsonNode.Parse(body).Should().NotBeNull();
        await StillServes();
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_request_Kestrel_refuses_on_a_Spiff_route_is_an_envelope(string request, int status, string code)
    {
        var (answered, body) = await RawHttp.SendAsync(_host.Address, request.Replace("/csp/connector", "/v1/do/calculator/Calculate"));

        answered.Should().Be(status);
        var json = JsonNode.Parse(body)!;
        json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(status);
        json["error"]!["error_code"]!.GetValue<string>().Should().Be(code);
        await StillServes();
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_request_Kestrel_refuses_on_a_webhook_route_is_answered_as_webhooks_answer_their_own_refusals(string request, int status, string code)
    {
        var (answered, body) = await RawHttp.SendAsync(_host.Address, request.Replace("/csp/connector", "/inbound/orders"));

        answered.Should().Be(status);
        var json = JsonNode.Parse(body)!;
        json["errorCode"]!.GetValue<string>().Should().Be(code);
        json["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        await StillServes();
    }

    [Fact]
    public async Task A_refusal_elsewhere_keeps_Kestrels_own_answer()
    {
        var (answered, body) = await RawHttp.SendAsync(_host.Address, "GET /other%00 HTTP/1.1\r\nHost: a\r\n\r\n");

        answered.Should().Be(400);
        body.Should().BeEmpty();
    }

    [Fact]
    public async Task On_a_kept_alive_connection_the_applications_answer_passes_unchanged_and_a_later_refusal_gets_its_form()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_host.Address.Host, _host.Address.Port);
        var stream = client.GetStream();
        const string call = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"io.switchboard:calculator:1\",\"params\":{\"input\":{\"action\":\"add\",\"a\":1,\"b\":2}}}";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"POST /csp/connector HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: {call.Length}\r\n\r\n{call}"
            + "GET /v1/commands%00 HTTP/1.1\r\nHost: a\r\n\r\n"));
        using var reader = new StreamReader(stream);
        var both = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)); // Kestrel closes after a refusal

        var answers = both.Split("HTTP/1.1 ").Where(a => a.Length > 0).ToArray();
        answers.Should().HaveCount(2, both);
        answers[0].Should().StartWith("200 ");
        JsonNode.Parse(answers[0][(answers[0].IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!["result"].Should().NotBeNull();
        answers[1].Should().StartWith("400 ");
        JsonNode.Parse(answers[1][(answers[1].IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!["error"]!["error_code"]!
            .GetValue<string>().Should().Be("BadRequest");
    }

    private async Task StillServes()
    {
        using var answer = await _host.Http.GetAsync("/health");
        ((int)answer.StatusCode).Should().Be(200);
    }
}
