using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Inbound;

/// <summary>A webhook connector's faults are the connector's, answered in time and named as such: a connector that
/// blocks its thread is answered 504 at the call timeout without starving the host, and a result the host cannot send
/// (no result, a status that is not HTTP's, a body that cannot be written) is a 500 saying the connector failed.</summary>
public class HostileWebhookTests : IAsyncLifetime
{
    /// <summary>Settings that put the plugin under test in a worker process (<see cref="IsolatedHostileWebhookTests"/>); none here.</summary>
    protected virtual string[] Isolation => [];

    private readonly PluginSandbox _sandbox = new();
    private readonly SharedLog _log = new();
    private RunningHost _host = null!;

    private static readonly string[] Modes = ["ok", "syncblock", "status", "forgedstatus", "nullresult", "selfref", "throwinggetter", "rejectsecret", "respondsecret"];

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.TestPlugin("HostileInbound"));
        _host = await RunningHost.StartAsync(_sandbox.Directory, _log,
        [
            .. Isolation,
            "Switchboard:Catalog:DefaultTimeout=00:00:02",
            "shutdownTimeoutSeconds=2",
            .. Modes.SelectMany(mode => new[]
            {
                $"Switchboard:Inbound:Activations:{mode}:inbound.type=test.switchboard:hostile-webhook:1",
                $"Switchboard:Inbound:Activations:{mode}:mode={mode}",
                $"Switchboard:Inbound:Activations:{mode}:count=1000",
                $"Switchboard:Inbound:Activations:{mode}:token=Tr0ub4dor-activation-secret",
                $"Switchboard:Inbound:Activations:{mode}:messageName=m",
                $"Switchboard:Inbound:Activations:{mode}:correlationKeyExpression==\"k\"",
            }),
        ]);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string context)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await _host.Http.PostAsync("/inbound/" + context, new StringContent("{}", Encoding.UTF8, "application/json"), timeout.Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
    }

    [Fact]
    public async Task A_connector_that_blocks_its_thread_is_answered_504_at_the_call_timeout_and_others_are_answered_meanwhile()
    {
        var clock = Stopwatch.StartNew();
        var blocked = Enumerable.Range(0, 12).Select(_ => PostAsync("syncblock")).ToList();

        var ok = await PostAsync("ok");

        ok.Status.Should().Be(HttpStatusCode.OK, "a blocking connector holds its own threads, not the host's");
        foreach (var answer in await Task.WhenAll(blocked))
        {
            answer.Status.Should().Be(HttpStatusCode.GatewayTimeout);
            answer.Body.Should().Contain("the connector did not answer within 2 s");
        }
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "each blocked request is answered at its timeout");
    }

    [Theory]
    [InlineData("status", "ArgumentOutOfRangeException")]
    [InlineData("forgedstatus", "the status 1000, which is not an HTTP status")]
    [InlineData("nullresult", "no WebhookResult (null)")]
    [InlineData("selfref", "the body of its answer cannot be written")]
    [InlineData("throwinggetter", "the body of its answer cannot be written")]
    public async Task A_result_the_host_cannot_send_is_answered_500_as_the_connector_failing(string mode, string problem)
    {
        var (status, body) = await PostAsync(mode);

        status.Should().Be(HttpStatusCode.InternalServerError);
        var message = JsonNode.Parse(body)!["message"]!.GetValue<string>();
        message.Should().StartWith("the connector failed: ").And.Contain(problem);
        _log.ToString().Should().NotContain("failed inside the adapter");
    }

    [Theory]
    [InlineData("rejectsecret", HttpStatusCode.Unauthorized)]
    [InlineData("respondsecret", HttpStatusCode.OK)]
    public async Task A_secret_property_the_connector_quotes_in_its_answer_is_masked_as_in_every_other_answer(string mode, HttpStatusCode expected)
    {
        var (status, body) = await PostAsync(mode);

        status.Should().Be(expected);
        body.Should().NotContain("Tr0ub4dor-activation-secret").And.Contain("***");
        _log.ToString().Should().NotContain("Tr0ub4dor-activation-secret");
    }
}

/// <summary>The same, with the HostileInbound plugin in a worker process (<c>Isolation=process</c>): its faults are answered in the same words, and a check that blocks is answered at the timeout as in the host.</summary>
public sealed class IsolatedHostileWebhookTests : HostileWebhookTests
{
    protected override string[] Isolation => ["Plugins:HostileInbound:Isolation=process"];
}
