using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Protocols.Inbound;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Telemetry;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Hosting;

/// <summary>Attack round seventeen (B): state that callers, peers or process deployments can grow without bound, or
/// that outlives what it belongs to.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class UnboundedStateAttackTests
{
    private const string Neighbour = "test.switchboard:neighbour:1";
    private const string NeighbourProbe = "test.switchboard:neighbour-probe:1";

    /// <summary>The operation labels of <c>switchboard_calls_total</c> for <paramref name="connector"/>.</summary>
    private static async Task<List<string>> OperationLabelsAsync(RunningHost host, string connector)
    {
        var scrape = await host.Http.GetStringAsync("/metrics");
        return scrape.Split('\n')
            .Where(l => l.StartsWith("switchboard_calls_total{", StringComparison.Ordinal) && l.Contains($"connector=\"{connector}\""))
            .Select(l => Regex.Match(l, "operation=\"([^\"]*)\"").Groups[1].Value).Distinct().ToList();
    }

    /// <summary>Runs <paramref name="body"/> against a host whose Neighbour connector has one slot, no queue, and that
    /// slot held by a running call: every call that takes a slot is refused <c>Busy</c>.</summary>
    private static async Task WhileTheNeighbourIsBusyAsync(Func<RunningHost, HttpClient, Task> body)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Neighbour"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Plugins:Neighbour:MaxConcurrentCalls=1", "Plugins:Neighbour:MaxQueuedCalls=0", "shutdownTimeoutSeconds=2");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        var holding = http.PostAsync(CspCall.Request(1, Neighbour, new JsonObject(), "hold"));
        try
        {
            await Eventually.WaitFor(async () => (string?)(await http.PostAsync(CspCall.Request(2, NeighbourProbe, new JsonObject(), "holding"))).Result?["output"]?["result"],
                n => n == "1", because: "the CSP call holds the connector's one slot");
            await body(host, http);
        }
        finally
        {
            await http.PostAsync(CspCall.Request(3, NeighbourProbe, new JsonObject(), "releaseHold"));
            await holding;
        }
    }

    /// <summary>A caller naming operations the connector does not declare is counted under <c>(unknown)</c> (an unknown
    /// operation) and never makes a series per name: but an asynchronous CSP call (with a callbackUrl) that is refused
    /// <c>Busy</c> before its operation is looked at is counted under the caller's own text, so every name a caller
    /// invents while the connector is busy is a new series of every call instrument, for as long as the host runs.</summary>
    [Fact]
    public Task Asynchronous_calls_refused_Busy_with_invented_operation_names_make_no_metric_series_per_name() =>
        WhileTheNeighbourIsBusyAsync(async (host, http) =>
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var answers = new List<CspAnswer>();
            for (var i = 0; i < 20; i++)
                answers.Add(await http.PostAsync(CspCall.Request(100 + i, Neighbour, new JsonObject(), $"invented{run}x{i}", callbackUrl: "http://127.0.0.1:9/callback")));

            answers.Should().OnlyContain(a => a.Error != null, "every call is refused: " + answers[0]);
            var invented = (await OperationLabelsAsync(host, Neighbour)).Where(o => o.Contains(run)).ToList();
            invented.Should().BeEmpty(
                $"an operation the connector does not declare is counted as (unknown), whatever refused the call; {invented.Count} series were made of names a caller invented (first answer: {answers[0]})");
        });

    /// <summary>An operation the connector does not declare is answered as unknown at once, as a synchronous call's is,
    /// not refused <c>Busy</c> (or held in the queue until its timeout) waiting for a slot it would never use.</summary>
    [Fact]
    public Task An_asynchronous_call_naming_an_undeclared_operation_is_answered_unknown_at_once_while_the_connector_is_busy() =>
        WhileTheNeighbourIsBusyAsync(async (_, http) =>
        {
            var answer = await http.PostAsync(CspCall.Request(100, Neighbour, new JsonObject(), "noSuchOperation", callbackUrl: "http://127.0.0.1:9/callback"));

            ((int?)answer.Error?["code"]).Should().Be(-32601, answer.ToString());
            ((string?)answer.Error?["data"]?["errorCode"]).Should().NotBe("Busy");
        });

    private static string WebhookBpmn(string processId, string elementId, string context) => $$"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
          <bpmn:process id="{{processId}}" isExecutable="true">
            <bpmn:startEvent id="{{elementId}}">
              <bpmn:extensionElements>
                <zeebe:properties>
                  <zeebe:property name="inbound.type" value="io.camunda:webhook:1" />
                  <zeebe:property name="inbound.context" value="{{context}}" />
                  <zeebe:property name="inbound.method" value="post" />
                </zeebe:properties>
              </bpmn:extensionElements>
            </bpmn:startEvent>
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary><c>GET /inbound</c> shows each activation served with what its events came to. The counts are kept per
    /// activation id, and the id of an activation no longer served (its process redeployed with other element ids) is
    /// never dropped: a cluster whose processes are redeployed with new ids (generated per tenant, per release) grows
    /// the host by one entry, with its last outcome, per activation ever served, until it restarts.</summary>
    [Fact]
    public async Task The_event_counts_of_an_activation_no_longer_deployed_are_released()
    {
        await using var gateway = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        gateway.Gateway.DeployBpmn("orders", WebhookBpmn("orders", "received0", "orders-0"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address, "CAMUNDA_REST_ADDRESS=" + gateway.RestAddress, "CAMUNDA_CONNECTOR_POLLING_INTERVAL=100");
        Task<HttpResponseMessage> Post(string path) => host.Http.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));

        const int Versions = 4;
        for (var i = 0; i < Versions; i++)
        {
            if (i > 0)
                gateway.Gateway.DeployBpmn("orders", WebhookBpmn("orders", $"received{i}", $"orders-{i}"));
            var answer = await Eventually.WaitFor(() => Post($"/inbound/orders-{i}"), r => r.StatusCode != HttpStatusCode.NotFound,
                because: $"version {i + 1} of the process is discovered");
            answer.StatusCode.Should().Be(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        }
        await Eventually.WaitFor(() => Post("/inbound/orders-0"), r => r.StatusCode == HttpStatusCode.NotFound, because: "the first version's activation is gone");
        var listed = JsonNode.Parse(await host.Http.GetStringAsync("/inbound"))!;

        var activity = host.Services.GetRequiredService<InboundActivity>();
        var kept = Enumerable.Range(0, Versions - 1).Select(i => $"orders/received{i}")
            .Where(id => activity.Describe(id)["received"]!.GetValue<long>() > 0).ToList();
        kept.Should().BeEmpty($"an activation no longer served has no events to count, and its entry should go with it; {kept.Count} of {Versions - 1} "
            + $"activations no longer served still have theirs ({string.Join(", ", kept)}) while /inbound lists only {listed.AsArray().Count}: {listed.ToJsonString()}");
    }
}
