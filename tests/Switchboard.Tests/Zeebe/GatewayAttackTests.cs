using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

/// <summary>Attack round seventeen (A): the Zeebe adapter against a gateway that answers what it should not.</summary>
public sealed class GatewayAttackTests
{
    private const string Calculator = "io.switchboard:calculator:1";

    private static async Task<JsonNode> RetryingAsync(RunningHost host, Func<string, bool> lastError) =>
        JsonNode.Parse(await Eventually.WaitFor(() => host.Http.GetStringAsync("/health"),
            b => JsonNode.Parse(b)!["zeebe"]! is var z && z["state"]!.GetValue<string>() == "retrying"
                && z["lastError"]?.GetValue<string>() is { } e && lastError(e),
            because: "the workers report the gateway's error"))!["zeebe"]!;

    // docs/zeebe.md, Status: "the lastError (cut at 500 characters; URLs in it carry no user part)". /health answers anyone.
    [Fact]
    public async Task A_password_in_a_URL_the_gateways_error_names_reaches_neither_health_nor_the_log()
    {
        await using var server = await TestGatewayServer.StartAsync();
        // A gateway (or the proxy in front of it) naming the broker it failed to reach, credentials and all.
        server.Gateway.ActivationFailure = new Status(StatusCode.Unavailable,
            "upstream connect error: http://admin:Br0kerPa55@10.0.0.7:26501/ refused the connection");
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:RequestTimeout=00:00:01");

        var zeebe = await RetryingAsync(host, e => e.Contains("upstream connect error"));
        await Eventually.WaitFor(() => log.ToString().Contains("upstream connect error"), because: "the failed poll is logged");

        zeebe["lastError"]!.GetValue<string>().Should().NotContain("Br0kerPa55", "docs/zeebe.md: URLs in lastError carry no user part, and /health answers anyone");
        log.ToString().Should().NotContain("Br0kerPa55", "a password in a URL is no more the log's than health's");
    }

    // The host's own bearer token, echoed back by a gateway (or an auth proxy) in its refusal, is a live credential of the
    // cluster: /health answers anyone, and the log is read by more people than the cluster's admins.
    [Fact]
    public async Task The_hosts_own_bearer_token_echoed_in_a_gateway_error_is_masked_in_health_and_the_log()
    {
        const string Token = "eyJhbGciOiJSUzI1NiJ9.c3dpdGNoYm9hcmQ.R0FURVdBWS1TRUNSRVQtVE9LRU4";
        await using var tokens = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token",
            () => Results.Json(new { access_token = Token, expires_in = 3600, token_type = "Bearer" })));
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.ActivationFailure = new Status(StatusCode.PermissionDenied,
            $"authorization 'Bearer {Token}' lacks the scope zeebe:jobs");
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:RequestTimeout=00:00:01", "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=client-secret-R17",
            "Switchboard:Zeebe:AuthorizationServerUrl=" + new Uri(tokens.Address, "oauth/token"));

        var zeebe = await RetryingAsync(host, e => e.Contains("lacks the scope"));
        await Eventually.WaitFor(() => log.ToString().Contains("lacks the scope"), because: "the failed poll is logged");

        zeebe["lastError"]!.GetValue<string>().Should().NotContain(Token, "the host's own token is a credential, masked as secrets are");
        log.ToString().Should().NotContain(Token);
    }

    // A job command refused once with a transient code is retried "for as long as the job is ours". The job's deadline is the
    // broker's clock (or 0 from a gateway that leaves the field out): read against the host's clock it may already be past,
    // and then the first UNAVAILABLE drops a finished job's result without a single retry.
    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)] // "10 minutes ago", set below: a host clock ten minutes ahead of the broker's
    public async Task A_completion_refused_once_as_unavailable_is_retried_although_the_deadline_reads_as_past_on_the_hosts_clock(long deadline)
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.SentDeadline = deadline == 0 ? 0 : DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        server.Gateway.RefusedCompletions = 1; // the first attempt: UNAVAILABLE, then taken
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01");

        var key = server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""", new() { ["resultVariable"] = "r" });
        await Eventually.WaitFor(() => server.Gateway.CompletionAttempts >= 2 || log.ToString().Contains("was given up"),
            because: "the completion is retried or given up");

        log.ToString().Should().NotContain("was given up", "one UNAVAILABLE from a gateway that then takes the command is no reason to drop the result");
        (await server.Gateway.FinishedAsync(key, TimeSpan.FromSeconds(10))).State.Should().Be(JobState.Completed);
    }

    // docs/zeebe.md, Status: "A worker's state follows its polls". A worker whose every slot holds a running job does not
    // poll, and a failing stream moves no state while polling is on: the gateway can be gone for as long as the jobs run
    // (a connector's timeout, minutes) while /health answers "connected" and the host "healthy".
    [Fact]
    public async Task A_gateway_gone_while_every_slot_holds_a_running_job_turns_health_to_retrying()
    {
        var server = await TestGatewayServer.StartAsync();
        var held = new HeldJob();
        using var sandbox = new PluginSandbox();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, null, switchboard =>
            {
                switchboard.AddZeebe();
                switchboard.Services.AddSingleton<IHostJob>(held);
            },
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:MaxJobsActive=1", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:DrainTimeout=00:00:01");
        try
        {
            server.Gateway.CreateJob(held.Type);
            await held.Started.WaitAsync(TimeSpan.FromSeconds(20));

            await server.KillAsync();

            // The stream meets the refused connection within a second or two; 15 s is more than its backoff ever waits.
            var zeebe = await Eventually.WaitFor(async () => JsonNode.Parse(await host.Http.GetStringAsync("/health"))!["zeebe"]!.ToJsonString(),
                z => z.Contains("\"state\":\"retrying\""), TimeSpan.FromSeconds(15), because: "the gateway is gone and /health should say so");
            zeebe.Should().Contain("Unavailable");
        }
        finally
        {
            held.Release();
        }
    }

    // A cluster's maxMessageSize is a setting (docs/zeebe.md names MaxMessageSize "the cluster's maxMessageSize"); a
    // gateway refuses a larger command as RESOURCE_EXHAUSTED, "exceeds the maximum configured message size". The poll
    // path tells that from backpressure; job commands do not: the completion is retried until the job's deadline, given
    // up, the job handed out again and the connector run again, over and over, and no incident is ever raised.
    [Fact]
    public async Task A_completion_the_gateway_refuses_as_larger_than_its_message_limit_fails_the_job_instead_of_running_it_again_and_again()
    {
        var gateway = new TestGateway();
        await using var server = await AttackGrpcServer.StartAsync(gateway, o => o.MaxReceiveMessageSize = 256 * 1024);
        var big = new BigResult(400 * 1024);
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, switchboard =>
            {
                switchboard.AddZeebe();
                switchboard.Services.AddSingleton<IHostJob>(big);
            },
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Switchboard:Zeebe:JobTimeout=00:00:03", "Switchboard:Zeebe:CommandTimeout=00:00:02", "Switchboard:Zeebe:DrainTimeout=00:00:01");

        var key = gateway.CreateJob(BigResult.JobType);
        await Eventually.WaitFor(() => big.Runs >= 1, because: "the job runs");
        await Eventually.WaitFor(() => gateway.Job(key).State is not (JobState.Activated or JobState.Activatable) || big.Runs >= 2, TimeSpan.FromSeconds(30),
            because: "the job is reported, or run a second time");

        big.Runs.Should().Be(1, $"a result the gateway cannot take fails the job once instead of being run again at every job timeout; log: {log}");
        gateway.Job(key).State.Should().Be(JobState.Incident);
    }

    private sealed class BigResult(int characters) : IHostJob
    {
        public const string JobType = "test.switchboard:big-result:1";
        private int _runs;

        public string Type => JobType;

        public int Runs => Volatile.Read(ref _runs);

        public Task<HostJobResult> RunAsync(JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            // Random text, so that gzip does not shrink the request under the limit.
            var bytes = new byte[characters * 3 / 4];
            Random.Shared.NextBytes(bytes);
            return Task.FromResult(HostJobResult.Completed(new JsonObject { ["big"] = Convert.ToBase64String(bytes) }));
        }
    }
}
