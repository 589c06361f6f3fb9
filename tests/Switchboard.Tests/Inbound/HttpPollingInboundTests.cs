using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>Camunda's HTTP polling connector (<c>io.camunda:http-polling:1</c>, in the shipped Http plugin) against a
/// real HTTP API on loopback: the request built from the template's properties (FEEL contexts for query and headers,
/// bearer, API key and OAuth client-credentials authentication), the activation condition deciding on each answer,
/// and a failing API reported on the activation.</summary>
public sealed class HttpPollingInboundTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private readonly ConcurrentQueue<Seen> _seen = new();
    private readonly ConcurrentQueue<string> _tokenForms = new();
    private int _polls;
    private TestGatewayServer _gateway = null!;
    private LoopbackServer _api = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _sandbox.Add(Repository.ShippedPlugin("Http"));
        _api = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/orders/7", (HttpRequest request) =>
            {
                _seen.Enqueue(new Seen(request.QueryString.Value ?? "", request.Headers.Authorization.ToString(), request.Headers["X-Team"].ToString(),
                    request.Query["key"].ToString()));
                // Pending for the first two polls, then done.
                var state = Interlocked.Increment(ref _polls) <= 2 ? "pending" : "done";
                return Results.Json(new { orderId = "o-7", state, total = 12.5 });
            });
            app.MapPost("/token", async (HttpRequest request) =>
            {
                _tokenForms.Enqueue(await new StreamReader(request.Body).ReadToEndAsync());
                return Results.Json(new { access_token = "t0k3n-from-oauth", token_type = "Bearer", expires_in = 300 });
            });
            app.MapGet("/broken", () => Results.StatusCode(500));
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
    }

    private Task<RunningHost> StartHostAsync(params (string Key, string Value)[] properties) => RunningHost.StartAsync(_sandbox.Directory,
        [
            "Switchboard:Zeebe:Address=" + _gateway.Address,
            .. properties.Prepend(("inbound.type", "io.camunda:http-polling:1")).Prepend(("httpRequestInterval", "PT0.05S"))
                .Select(p => $"Switchboard:Inbound:Activations:poll:{p.Item1}={p.Item2}"),
        ]);

    [Fact]
    public async Task Each_answer_is_an_event_the_activation_condition_decides_on_and_the_request_carries_the_templates_settings()
    {
        await using var host = await StartHostAsync(
            ("url", _api.Address + "orders/7"),
            ("queryParameters", "={expand: \"items\", tags: [\"a\", \"b\"]}"),
            ("headers", "={\"X-Team\": \"ops\"}"),
            ("authentication.type", "bearer"),
            ("authentication.token", "s3cret-bearer"),
            ("activationCondition", "=response.body.state = \"done\""),
            ("messageName", "order-done"),
            ("correlationKeyExpression", "=response.body.orderId"),
            ("messageIdExpression", "=response.body.orderId"),
            ("resultExpression", "={total: response.body.total, status: response.status}"));

        var message = await Eventually.WaitFor(() => Task.FromResult(_gateway.Gateway.Messages.SingleOrDefault()), m => m is not null,
            because: "the third answer meets the activation condition");
        await Eventually.WaitFor(() => _polls >= 5, because: "polling goes on after the message");

        message!.Name.Should().Be("order-done");
        message.CorrelationKey.Should().Be("o-7");
        message.Variables["total"]!.GetValue<double>().Should().Be(12.5);
        message.Variables["status"]!.GetValue<int>().Should().Be(200);
        _gateway.Gateway.Messages.Should().ContainSingle("later answers repeat the message id, which the gateway already has");
        _seen.TryPeek(out var first).Should().BeTrue();
        first!.Query.Should().Be("?expand=items&tags=a&tags=b");
        first.Team.Should().Be("ops");
        first.Authorization.Should().Be("Bearer s3cret-bearer");
        var listing = (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!;
        listing["health"]!["status"]!.GetValue<string>().Should().Be("up");
        listing["activity"]!["refused"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(2, "the pending answers did not meet the condition");
    }

    [Fact]
    public async Task OAuth_client_credentials_fetch_a_token_and_an_API_key_can_go_in_the_query()
    {
        await using (var _ = await StartHostAsync(
            ("url", _api.Address + "orders/7"),
            ("authentication.type", "oauth-client-credentials-flow"),
            ("authentication.oauthTokenEndpoint", _api.Address + "token"),
            ("authentication.clientId", "switchboard"),
            ("authentication.clientSecret", "cl1ent-s3cret"),
            ("authentication.audience", "orders-api"),
            ("messageName", "order"), ("correlationKeyExpression", "=response.body.orderId")))
        {
            await Eventually.WaitFor(() => !_seen.IsEmpty);
        }
        _seen.First().Authorization.Should().Be("Bearer t0k3n-from-oauth");
        _tokenForms.First().Should().Contain("grant_type=client_credentials").And.Contain("client_id=switchboard")
            .And.Contain("client_secret=cl1ent-s3cret").And.Contain("audience=orders-api");

        _seen.Clear();
        await using (var _ = await StartHostAsync(
            ("url", _api.Address + "orders/7"),
            ("authentication.type", "apiKey"), ("authentication.apiKeyLocation", "query"),
            ("authentication.name", "key"), ("authentication.value", "k3y"),
            ("messageName", "order"), ("correlationKeyExpression", "=response.body.orderId")))
        {
            await Eventually.WaitFor(() => !_seen.IsEmpty);
        }
        _seen.First().Key.Should().Be("k3y");
    }

    [Fact]
    public async Task A_failing_API_is_reported_on_the_activation_without_its_secrets()
    {
        await using var host = await StartHostAsync(
            ("url", _api.Address + "broken"),
            ("authentication.type", "basic"), ("authentication.username", "me"), ("authentication.password", "pa55w0rd"),
            ("messageName", "never"), ("correlationKeyExpression", "=\"k\""));

        var health = await Eventually.WaitFor(async () => (await host.Http.GetFromJsonAsync<JsonArray>("/inbound"))!.Single()!["health"]!,
            h => h["status"]!.GetValue<string>() == "down" && (string?)h["reason"] != "starting"); // starting: before its first poll
        health["reason"]!.GetValue<string>().Should().Contain("HttpError500").And.Contain("/broken").And.NotContain("pa55w0rd");
        _gateway.Gateway.Messages.Should().BeEmpty();
    }

    private sealed record Seen(string Query, string Authorization, string Team, string Key);
}
