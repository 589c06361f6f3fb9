using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Switchboard.Host.Callbacks;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Callbacks;

/// <summary>Attack round fifteen (B): the asynchronous path end to end, for both protocols that call back: a receiver
/// whose 2xx answer's body is cut short, callback URLs that are bad input yet are not refused, and allow-list entries
/// that never match the host they name.</summary>
public sealed class AsyncPathAttackTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private static readonly string[] CspFastRetries =
    [
        "Switchboard:Csp:Callback:MaxAttempts=3",
        "Switchboard:Csp:Callback:AttemptTimeout=00:00:05",
        "Switchboard:Csp:Callback:FirstRetryDelay=00:00:00.050",
        "Switchboard:Csp:Callback:MaxRetryDelay=00:00:00.100",
    ];

    private static readonly string[] SpiffFastRetries =
    [
        "Switchboard:Spiff:CallbackRetries=2",
        "Switchboard:Spiff:CallbackAttemptTimeout=00:00:05",
        "Switchboard:Spiff:CallbackRetryDelay=00:00:00.050",
        "Switchboard:Spiff:CallbackMaxRetryDelay=00:00:00.100",
    ];

    // docs/csp.md, asynchronous calls, 5: "Only the answer's status decides; at most 4 KiB of its body is read and the rest
    // is closed unread, so a 2xx is delivered whatever body follows."
    [Fact]
    public async Task A_CSP_callback_answered_200_whose_body_is_cut_short_is_counted_delivered_not_lost_nor_posted_again()
    {
        await using var receiver = CutShortAnswerReceiver.Start();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, CspFastRetries);

        var accepted = await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2), callbackUrl: receiver.Url("cb")));
        accepted.Status.Should().Be(HttpStatusCode.Accepted, accepted.ToString());

        var status = await Eventually.WaitFor(async () => JsonNode.Parse(await host.Http.GetStringAsync("/csp/status"))!,
            s => s["asyncCalls"]!["pending"]!.GetValue<long>() == 0, Guard, "the callback is settled");
        receiver.Requests.Should().Be(1,
            "the receiver took the callback and answered 200: the outcome reached it, and posting it again delivers one call's outcome several times");
        status["callbacks"]!["delivered"]!.GetValue<long>().Should().Be(1, $"a 2xx is a delivered callback, whatever body follows: {status}");
        status["callbacks"]!["lost"]!.GetValue<long>().Should().Be(0, $"the receiver accepted it: {status}");
    }

    // docs/spiff-proxy.md, long-running commands, 5: "so a 2xx is delivered whatever body follows".
    [Fact]
    public async Task A_Spiff_callback_answered_200_whose_body_is_cut_short_is_counted_delivered_not_lost_nor_put_again()
    {
        await using var receiver = CutShortAnswerReceiver.Start();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, SpiffFastRetries);

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            $$"""{"milliseconds":0,"spiff__task_id":"t1","spiff__callback_url":"{{receiver.Url("v1.0/tasks/42/t1/callback")}}"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted, accepted.Text);

        var status = await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json,
            s => s["asyncCalls"]!["pending"]!.GetValue<long>() == 0, Guard, "the callback is settled");
        receiver.Requests.Should().Be(1,
            "the backend took the envelope and answered 200: putting it again hands the task's result over several times");
        status["callbacks"]!["delivered"]!.GetValue<long>().Should().Be(1, $"a 2xx is a delivered callback, whatever body follows: {status}");
        status["callbacks"]!["lost"]!.GetValue<long>().Should().Be(0, $"the backend accepted it: {status}");
    }

    // docs/csp.md: "params.callbackUrl (a string) makes the call asynchronous"; "The URL must be absolute http/https ...
    // otherwise the call fails with -32602 naming params.callbackUrl". Spiff refuses an empty spiff__callback_url so.
    [Fact]
    public async Task An_empty_CSP_callbackUrl_is_refused_naming_the_field_as_Spiff_refuses_an_empty_callback_url()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var spiff = await SpiffCall.DoAsync(host.Http, "fixture/Later", """{"milliseconds":0,"spiff__callback_url":""}""");
        spiff.Json["error"]?["error_code"]?.GetValue<string>().Should().Be("InvalidParameters", spiff.Text);

        var csp = await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2), callbackUrl: ""));

        csp.Status.Should().Be(HttpStatusCode.OK, csp.ToString());
        csp.Error.Should().NotBeNull($"an empty callback URL is no URL: the caller asked for a callback it cannot get ({csp})");
        csp.ErrorCode.Should().Be(-32602);
        csp.InvalidFields.Should().Equal("params.callbackUrl");
    }

    // docs/spiff-proxy.md, long-running commands, 1: the callback URL must be absolute http/https, "otherwise: HTTP 200,
    // http_status 400, InvalidParameters naming spiff__callback_url". CSP names params.callbackUrl for a non-string one.
    [Theory]
    [InlineData("true")]
    [InlineData("""{"url":"http://127.0.0.1:1/cb"}""")]
    [InlineData("""["http://127.0.0.1:1/cb"]""")]
    public async Task A_Spiff_callback_url_that_is_not_a_string_is_refused_naming_it_as_CSP_refuses_one(string callbackUrl)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var csp = await host.Http.PostAsync("""{"jsonrpc":"2.0","id":1,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":1,"b":2},"callbackUrl":""" + callbackUrl + "}}");
        csp.InvalidFields.Should().Equal(["params.callbackUrl"], csp.ToString());

        var spiff = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":{{callbackUrl}}}""");

        spiff.Status.Should().Be(HttpStatusCode.OK, spiff.Text);
        spiff.Json["error"].Should().NotBeNull($"the callback URL is bad input, not silently no callback URL: {spiff.Text}");
        spiff.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters", spiff.Text);
        spiff.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400, spiff.Text);
        spiff.Json["command_response"]!["body"]!["fields"]!.AsArray().Select(f => f!["field"]!.GetValue<string>())
            .Should().Equal(["spiff__callback_url"], spiff.Text);
    }

    // docs/csp.md settings: CallbackAllowedHosts lists "hosts (host or *.domain, any port) or origins (https://host:port)".
    // An origin entry is compared by its IDN form; a host entry written as the host is written in the URL never matches.
    [Theory]
    [InlineData("bücher.example", "https://bücher.example/cb")]
    [InlineData("*.bücher.example", "https://api.bücher.example/cb")]
    public void A_host_entry_allows_the_host_it_names_spelled_as_the_URL_spells_it(string entry, string url)
    {
        var targets = new CallbackTargets([entry], "Switchboard:Csp:CallbackAllowedHosts");

        targets.Check(url, out var parsed).Should().BeNull($"the entry '{entry}' names the host of {url}");
        parsed.Should().Be(new Uri(url));
    }

    // docs/csp.md settings: CallbackAllowedHosts holds "hosts (host or *.domain, any port) or origins (https://host:port)";
    // "Invalid values ... stop the host at startup". Spiff stops at startup for a CallbackOrigins entry that is no http(s)
    // URL; CSP takes an entry that can never match any callback URL and then refuses every callback it was meant to allow.
    [Theory]
    [InlineData("127.0.0.1:7000")]
    [InlineData("http://*.example.com")]
    public async Task A_CSP_allowed_host_entry_that_can_match_no_URL_stops_the_host_at_startup_naming_it_as_Spiff_does(string entry)
    {
        using var sandbox = new PluginSandbox();

        var spiff = () => RunningHost.StartAsync(sandbox.Directory, $"Switchboard:Spiff:CallbackOrigins:0={entry}");
        (await spiff.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*CallbackOrigins*");

        var csp = () => RunningHost.StartAsync(sandbox.Directory, $"Switchboard:Csp:CallbackAllowedHosts:0={entry}");
        (await csp.Should().ThrowAsync<OptionsValidationException>(
                $"'{entry}' is neither a host name, a *.domain nor an origin: no callback URL can ever match it"))
            .WithMessage("*CallbackAllowedHosts*");
    }
}
