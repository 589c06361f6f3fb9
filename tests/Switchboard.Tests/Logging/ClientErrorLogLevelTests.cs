using System.Text;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Logging;

/// <summary>What a client gets wrong is logged as information, not as a warning for the operator to act on.</summary>
public sealed class ClientErrorLogLevelTests
{
    [Fact]
    public async Task A_CSP_request_body_the_client_broke_is_logged_as_information_not_a_warning()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Log:Level=Information");

        // A chunk size that is no number: Kestrel cannot read the body; the refusal is logged before it is answered.
        var (status, _) = await RawHttp.SendAsync(host.Address,
            "POST /csp/connector HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

        status.Should().Be(400);
        var refusals = log.ToString().Split('\n').Where(l => l.Contains("request refused") && l.Contains("body could not be read")).ToList();
        refusals.Should().ContainSingle("the refusal is logged once")
            .Which.Should().Contain(" INF ", "a client's broken request is no warning for the operator");
    }

    [Fact]
    public async Task Spiff_requests_refused_before_a_call_are_logged_once_each_as_information_naming_the_protocol_and_the_problem()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Log:Level=Information");

        var (brokenStatus, _) = await RawHttp.SendAsync(host.Address,
            "POST /v1/do/calculator/Calculate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        var notJson = await SpiffCall.DoAsync(host.Http, "calculator/Calculate", "{\"a\":");
        var unknown = await SpiffCall.DoAsync(host.Http, "calculator/NoSuchCommand", "{}");

        brokenStatus.Should().Be(400);
        ((int)notJson.Status).Should().Be(400, notJson.Text);
        ((int)unknown.Status).Should().Be(404, unknown.Text);
        var refusals = log.ToString().Split('\n').Where(l => l.Contains("Spiff") && l.Contains("request refused")).ToList();
        refusals.Should().HaveCount(3, string.Join("\n", refusals))
            .And.OnlyContain(l => l.Contains(" INF "), "a client's broken request is no warning for the operator");
        refusals.Should().Contain(l => l.Contains("chunk"))
            .And.Contain(l => l.Contains("calculator/Calculate") && l.Contains("JSON"))
            .And.Contain(l => l.Contains("calculator/NoSuchCommand"));
    }

    [Fact]
    public async Task A_Spiff_callback_url_the_host_refuses_is_logged_once_as_information_without_the_urls_credentials()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log,
            "Switchboard:Log:Level=Information", "Switchboard:Spiff:CallbackOrigins:0=http://127.0.0.1:7000");

        var call = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            """{"milliseconds":0,"spiff__callback_url":"http://someone:Pa55word@attacker.example:7000/collect"}""");

        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters", call.Text);
        var refusals = log.ToString().Split('\n').Where(l => l.Contains("Spiff") && l.Contains("request refused")).ToList();
        refusals.Should().ContainSingle(string.Join("\n", refusals))
            .Which.Should().Contain(" INF ").And.Contain("fixture/Later").And.Contain("InvalidParameters").And.Contain("spiff__callback_url");
        log.ToString().Should().NotContain("Pa55word", "a URL's user part is never logged");
    }
}
