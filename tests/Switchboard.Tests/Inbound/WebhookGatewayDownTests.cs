using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Events that arrive while the gateway is down: each webhook request is answered 503 (so its sender retries),
/// none is counted or reported as delivered, and delivery resumes when the gateway is back.</summary>
public sealed class WebhookGatewayDownTests
{
    [Fact]
    public async Task While_the_gateway_is_down_webhooks_answer_503_and_nothing_is_reported_as_delivered()
    {
        var gateway = await TestGatewayServer.StartAsync();
        var state = gateway.Gateway;
        var port = gateway.Port;
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address,
            "Switchboard:Inbound:Activations:orders:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:orders:messageName=order",
            "Switchboard:Inbound:Activations:orders:correlationKeyExpression==request.body.id");
        async Task<(HttpStatusCode Status, JsonNode Body)> Post(int id)
        {
            using var response = await host.Http.PostAsync("/inbound/orders", new StringContent($$"""{"id":"o-{{id}}"}""", Encoding.UTF8, "application/json"));
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        (await Post(1)).Status.Should().Be(HttpStatusCode.OK);
        await gateway.KillAsync();
        var whileDown = new List<(HttpStatusCode Status, JsonNode Body)>();
        for (var id = 2; id <= 4; id++)
            whileDown.Add(await Post(id));
        gateway = await TestGatewayServer.StartAsync(state, port);
        await using var _ = gateway;
        var after = await Eventually.WaitFor(() => Post(5), r => r.Status == HttpStatusCode.OK, because: "the gateway is back");

        whileDown.Should().OnlyContain(r => r.Status == HttpStatusCode.ServiceUnavailable && r.Body["status"]!.GetValue<string>() == "failed",
            "a sender must not take an event the gateway never got as delivered");
        state.Messages.Select(m => m.CorrelationKey).Should().Equal(["o-1", .. Enumerable.Repeat("o-5", state.Messages.Count - 1)]);
        var activity = (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!["activity"]!;
        activity["failed"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(3);
        activity["succeeded"]!.GetValue<long>().Should().Be(state.Messages.Count, "only what the gateway took counts as succeeded");
        after.Body["status"]!.GetValue<string>().Should().Be("published");
    }

    [Fact]
    public async Task A_gateway_that_takes_the_publish_and_never_answers_gets_the_request_answered_503_at_the_command_timeout()
    {
        // The publish was sent with the request's abort alone: the sender waited for as long as it was willing to.
        await using var gateway = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + gateway.Address,
            "Switchboard:Zeebe:CommandTimeout=00:00:02",
            "Switchboard:Inbound:Activations:orders:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:orders:messageName=order",
            "Switchboard:Inbound:Activations:orders:correlationKeyExpression==request.body.id");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        gateway.Gateway.HangPublishes = true;

        using var response = await http.PostAsync("/inbound/orders", new StringContent("""{"id":"o-1"}""", Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, body.ToJsonString());
        body["message"]!.GetValue<string>().Should().Contain("DeadlineExceeded");
    }
}
