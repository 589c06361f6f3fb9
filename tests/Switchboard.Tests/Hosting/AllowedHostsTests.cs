using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Hosting;

/// <summary>ASP.NET Core's <c>AllowedHosts</c> (a defence against DNS rebinding: a page whose name resolves to the
/// host's address) refuses requests naming another host in the protocol's own error form, not an HTML page.</summary>
public sealed class AllowedHostsTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, "AllowedHosts=localhost;127.0.0.1");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private const string Call = """{"jsonrpc":"2.0","id":7,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":1,"b":2}}}""";

    private static string Post(string path, string host) =>
        $"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {Call.Length}\r\nConnection: close\r\n\r\n{Call}";

    [Fact]
    public async Task A_request_naming_another_host_is_refused_in_each_protocols_error_form_and_an_allowed_one_is_served()
    {
        var (cspStatus, cspBody) = await RawHttp.SendAsync(_host.Address, Post("/csp/connector", "rebound.example:8080"));
        var (spiffStatus, spiffBody) = await RawHttp.SendAsync(_host.Address, Post("/v1/do/calculator/Calculate", "rebound.example"));
        var (webhookStatus, webhookBody) = await RawHttp.SendAsync(_host.Address, Post("/inbound/orders", "rebound.example"));
        var (allowedStatus, allowedBody) = await RawHttp.SendAsync(_host.Address, Post("/csp/connector", "localhost:8080"));

        cspStatus.Should().Be(400);
        var error = JsonNode.Parse(cspBody)!["error"]!;
        error["data"]!["errorCode"]!.GetValue<string>().Should().Be("BadRequest");
        error["data"]!["errorMessage"]!.GetValue<string>().Should().Contain("host").And.Contain("AllowedHosts");
        spiffStatus.Should().Be(400);
        JsonNode.Parse(spiffBody)!["error"]!["message"]!.GetValue<string>().Should().Contain("AllowedHosts");
        webhookStatus.Should().Be(400);
        JsonNode.Parse(webhookBody)!["message"]!.GetValue<string>().Should().Contain("AllowedHosts");
        allowedStatus.Should().Be(200, allowedBody);
        allowedBody.Should().Contain("\"result\"");
    }
}
