using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>A token endpoint that misbehaves: the host keeps the client secret to it and tells the operator what is wrong.</summary>
public sealed class ZeebeTokenEndpointTests
{
    private const string Secret = "client-secret-R7";

    private static Task<RunningHost> HostAsync(PluginSandbox sandbox, TestGatewayServer gateway, Uri tokenUrl, TextWriter? log = null) =>
        RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Zeebe:Address=" + gateway.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050",
            "Switchboard:Zeebe:RequestTimeout=00:00:01", "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=" + Secret,
            "Switchboard:Zeebe:AuthorizationServerUrl=" + tokenUrl);

    private static async Task<JsonNode> RetryingAsync(RunningHost host, string because) =>
        await Eventually.WaitFor(async () => JsonNode.Parse(await host.Http.GetStringAsync("/health"))!["zeebe"]!,
            z => z["state"]!.GetValue<string>() == "retrying", because: because);

    [Fact]
    public async Task A_token_endpoint_that_redirects_is_not_followed_and_the_secret_stays_home()
    {
        var elsewhere = new ConcurrentQueue<string>();
        await using var other = await LoopbackServer.StartAsync(app => app.MapPost("/steal", async (HttpRequest request) =>
        {
            elsewhere.Enqueue(string.Join("&", (await request.ReadFormAsync()).Select(f => f.Key + "=" + f.Value)));
            return Results.Json(new { access_token = "stolen", expires_in = 3600 });
        }));
        await using var tokens = await LoopbackServer.StartAsync(app =>
            app.MapPost("/oauth/token", () => Results.Redirect(new Uri(other.Address, "steal").ToString(), permanent: false, preserveMethod: true)));
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();

        await using var host = await HostAsync(sandbox, server, new Uri(tokens.Address, "oauth/token"));
        var zeebe = await RetryingAsync(host, "without a token the workers cannot poll");

        zeebe["lastError"]!.GetValue<string>().Should().Contain("307").And.Contain("redirect").And.Contain(other.Address.Authority)
            .And.NotContain(Secret);
        elsewhere.Should().BeEmpty("the client secret is posted to the configured endpoint only");
        server.Gateway.SeenTokens.Should().NotContain("Bearer stolen");
    }
}
