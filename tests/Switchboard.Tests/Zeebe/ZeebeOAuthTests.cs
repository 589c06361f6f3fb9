using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>OAuth client credentials against a real token endpoint on loopback and a gateway that checks bearer tokens.</summary>
public sealed class ZeebeOAuthTests
{
    private const string Secret = "client-secret-K4";

    private sealed class TokenEndpoint
    {
        private int _issued;
        public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();

        public async Task<IResult> IssueAsync(HttpRequest request)
        {
            var form = await request.ReadFormAsync();
            Requests.Enqueue(form.ToDictionary(f => f.Key, f => f.Value.ToString()));
            if (form["client_secret"] != Secret)
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            return Results.Json(new { access_token = "tok-" + Interlocked.Increment(ref _issued), expires_in = 3600, token_type = "Bearer" });
        }
    }

    [Fact]
    public async Task Calls_carry_a_cached_bearer_token_and_a_refused_token_is_refreshed_once()
    {
        var endpoint = new TokenEndpoint();
        await using var tokens = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token", endpoint.IssueAsync));
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.RequiredToken = "tok-1";
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=" + Secret,
            "Switchboard:Zeebe:AuthorizationServerUrl=" + new Uri(tokens.Address, "oauth/token"), "Switchboard:Zeebe:Audience=zeebe-api");

        foreach (var i in Enumerable.Range(1, 3))
            (await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", $$"""{"action":"add","a":{{i}},"b":1}"""))).State
                .Should().Be(JobState.Completed);
        endpoint.Requests.Should().ContainSingle("the token is cached across calls").Which.Should().Contain(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "switchboard", ["client_secret"] = Secret, ["audience"] = "zeebe-api",
        });

        server.Gateway.RequiredToken = "tok-2"; // the identity provider rotated its keys
        var after = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":1}"""));

        after.State.Should().Be(JobState.Completed, "UNAUTHENTICATED makes the worker fetch a new token and go on");
        endpoint.Requests.Should().HaveCount(2);
        host.Services.GetRequiredService<ZeebeWorkers>().TokenRequests.Should().Be(2);
        server.Gateway.SeenTokens.Should().Contain("Bearer tok-2");
    }

    [Fact]
    public void Half_configured_OAuth_is_refused_with_a_clear_message_that_never_shows_the_secret()
    {
        var resolve = () => OAuthSettings.Resolve(new ZeebeOptions { ClientId = "switchboard", ClientSecret = Secret });

        resolve.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("authorization server URL").And.NotContain(Secret);
        OAuthSettings.Resolve(new ZeebeOptions { ClientId = "a", ClientSecret = Secret, AuthorizationServerUrl = "https://idp.example/token" })!
            .ToString().Should().NotContain(Secret);
    }
}
