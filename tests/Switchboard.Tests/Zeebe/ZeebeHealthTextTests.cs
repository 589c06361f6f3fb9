using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>What the Zeebe adapter puts in the log and in <c>GET /health</c>, which answers anyone: never a password from
/// a configured URL, and not a gateway's error text at any length.</summary>
public sealed class ZeebeHealthTextTests
{
    private static async Task<(JsonNode Zeebe, string Body)> RetryingAsync(RunningHost host, Func<JsonNode, bool> also)
    {
        var body = await Eventually.WaitFor(() => host.Http.GetStringAsync("/health"),
            b => JsonNode.Parse(b)!["zeebe"]! is var z && z["state"]!.GetValue<string>() == "retrying" && also(z), because: "the workers report their error");
        return (JsonNode.Parse(body)!["zeebe"]!, body);
    }

    [Fact]
    public async Task Passwords_in_the_gateway_address_and_the_token_URL_reach_neither_the_log_nor_health()
    {
        await using var tokens = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token", () => Results.StatusCode(500)));
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        var tokenUrl = new UriBuilder(new Uri(tokens.Address, "oauth/token")) { UserName = "idpuser", Password = "IdpPa55" }.Uri;

        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Log:Level=Information",
            $"Switchboard:Zeebe:Address=http://gwuser:GwPa55@127.0.0.1:{server.Port}", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=client-secret-Q2", "Switchboard:Zeebe:AuthorizationServerUrl=" + tokenUrl);
        var (zeebe, body) = await RetryingAsync(host, z => z["lastError"]!.GetValue<string>().Contains("500"));

        zeebe["lastError"]!.GetValue<string>().Should().Contain($"http://127.0.0.1:{tokens.Address.Port}", "the endpoint is named, without its user part");
        await Eventually.WaitFor(() => log.ToString().Contains("answered 500"), because: "the failed polls are logged");
        log.ToString().Should().Contain("Zeebe adapter on: gateway").And.Contain("authenticates as");
        foreach (var text in new[] { body, log.ToString() })
            text.Should().NotContain("IdpPa55").And.NotContain("GwPa55").And.NotContain("client-secret-Q2");
    }

    [Fact]
    public async Task A_gateways_error_text_is_cut_in_health()
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.ActivationFailure = new Status(StatusCode.Internal, "broken: " + new string('x', 20_000));
        using var sandbox = new PluginSandbox();

        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:RequestTimeout=00:00:01");
        var (zeebe, _) = await RetryingAsync(host, _ => true);

        zeebe["lastError"]!.GetValue<string>().Should().StartWith("Internal: broken: xxx").And.HaveLength(501, "500 characters say what is wrong, and … that there was more");
    }
}
