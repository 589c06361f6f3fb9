using Microsoft.Extensions.Options;
using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Spiff;

public sealed class SpiffSecurityTests
{
    private const string Key = "s3cret-proxy-key";

    [Fact]
    public async Task A_refused_key_is_logged_as_CSP_refusals_are_naming_the_protocol_and_never_the_key()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using (var host = await RunningHost.StartAsync(sandbox.Directory, log, $"Switchboard:Spiff:ApiKey={Key}"))
        {
            (await SpiffCall.GetAsync(host.Http, "/v1/commands", "guessed-key-77")).Status.Should().Be(HttpStatusCode.Unauthorized);
            (await SpiffCall.GetAsync(host.Http, "/v1/commands")).Status.Should().Be(HttpStatusCode.Unauthorized);
        }

        var text = log.ToString();
        text.Should().Contain("Spiff").And.Contain("request to /v1/commands from").And.Contain("refused: wrong API key").And.Contain("refused: no API key");
        text.Should().NotContain("guessed-key-77").And.NotContain(Key);
    }

    [Fact]
    public async Task With_a_key_configured_commands_auths_and_do_need_the_exact_key_while_liveness_stays_open()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, $"Switchboard:Spiff:ApiKey={Key}", "Switchboard:Spiff:BasePath=/proxy");
        const string body = """{"action":"add","a":2,"b":3}""";

        foreach (var prefix in new[] { "", "/proxy" })
        {
            foreach (var key in new string?[] { null, "wrong", Key + "x", Key[..^1], "" })
            {
                foreach (var call in new[]
                {
                    await SpiffCall.GetAsync(host.Http, prefix + "/v1/commands", key),
                    await SpiffCall.GetAsync(host.Http, prefix + "/v1/auths", key),
                    await SpiffCall.DoAsync(host.Http, "calculator/Calculate", body, prefix, key),
                    await SpiffCall.DoAsync(host.Http, "calculator/Unknown", body, prefix, key),
                })
                {
                    call.Status.Should().Be(HttpStatusCode.Unauthorized, $"key '{key}' under '{prefix}' is refused");
                    call.ContentType.Should().Be("application/json");
                    call.Text.Should().Be("""{"error":"Unauthorized"}""");
                }
            }

            (await SpiffCall.GetAsync(host.Http, prefix + "/v1/commands", Key)).Status.Should().Be(HttpStatusCode.OK);
            (await SpiffCall.GetAsync(host.Http, prefix + "/v1/auths", Key)).Text.Should().Be("[]");
            (await SpiffCall.DoAsync(host.Http, "calculator/Calculate", body, prefix, Key))
                .Json["command_response"]!["body"]!["result"]!.GetValue<double>().Should().Be(5);
            (await SpiffCall.GetAsync(host.Http, prefix + "/liveness")).Text.Should().Be("""{"ok":true}""");
            (await SpiffCall.GetAsync(host.Http, prefix + "/v1/liveness")).Text.Should().Be("""{"ok":true}""");
        }
    }

    [Fact]
    public async Task Without_a_key_configured_the_routes_are_open()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        (await SpiffCall.GetAsync(host.Http, "/v1/commands")).Status.Should().Be(HttpStatusCode.OK);
        (await SpiffCall.GetAsync(host.Http, "/v1/commands", "anything")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_key_configured_but_empty_stops_the_host_at_startup(string key)
    {
        using var sandbox = new PluginSandbox();

        var start = () => RunningHost.StartAsync(sandbox.Directory, $"Switchboard:Spiff:ApiKey={key}");

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*Switchboard:Spiff:ApiKey is set but empty*");
    }

    [Fact]
    public async Task Cors_preflight_is_answered_without_the_key_for_allowed_origins_only()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            $"Switchboard:Spiff:ApiKey={Key}", "Switchboard:Spiff:CorsOrigins:0=http://localhost:7001");

        using var allowed = await Preflight(host, "http://localhost:7001");
        allowed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("http://localhost:7001");
        string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant()
            .Should().Contain("spiff-connector-proxy-api-key");

        using var other = await Preflight(host, "http://evil.example");
        other.StatusCode.Should().NotBe(HttpStatusCode.Unauthorized);
        other.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/commands");
        request.Headers.Add("Origin", "http://localhost:7001");
        request.Headers.Add("Spiff-Connector-Proxy-Api-Key", Key);
        using var actual = await host.Http.SendAsync(request);
        actual.StatusCode.Should().Be(HttpStatusCode.OK);
        actual.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("http://localhost:7001");
    }

    private static async Task<HttpResponseMessage> Preflight(RunningHost host, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/do/calculator/Calculate");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,spiff-connector-proxy-api-key");
        return await host.Http.SendAsync(request);
    }
}
