using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Zeebe;
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

    [Fact]
    public async Task A_token_refresh_that_fails_for_a_while_is_retried_and_the_finished_jobs_result_is_still_reported()
    {
        var failing = false;
        var failures = 0;
        var issued = 0;
        await using var tokens = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token", () =>
        {
            if (Volatile.Read(ref failing))
            {
                Interlocked.Increment(ref failures);
                return Results.StatusCode(500);
            }
            return Results.Json(new { access_token = "tok-" + Interlocked.Increment(ref issued), expires_in = 3600 });
        }));
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.RequiredToken = "tok-1";
        using var sandbox = new PluginSandbox();
        var held = new HeldJob();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, null, switchboard =>
            {
                switchboard.AddZeebe();
                switchboard.Services.AddSingleton<IHostJob>(held);
            },
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=" + Secret,
            "Switchboard:Zeebe:AuthorizationServerUrl=" + new Uri(tokens.Address, "oauth/token"));
        var key = server.Gateway.CreateJob(held.Type);
        await held.Started;

        // While the job runs the identity provider rotates its keys and its token endpoint fails for a while.
        Volatile.Write(ref failing, true);
        server.Gateway.RequiredToken = "tok-2";
        held.Release();
        await Eventually.WaitFor(() => Volatile.Read(ref failures) >= 3, because: "the refused completion makes the host fetch a token, which fails");
        Volatile.Write(ref failing, false);

        var job = await server.Gateway.FinishedAsync(key);
        job.State.Should().Be(JobState.Completed, "a failed token fetch is transient: the completion is tried again with the next token");
        job.CompletedVariables!["done"]!.GetValue<bool>().Should().BeTrue();
        server.Gateway.SeenTokens.Should().Contain("Bearer tok-2");
    }
}
