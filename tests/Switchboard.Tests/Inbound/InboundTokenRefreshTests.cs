using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Inbound;

/// <summary>A webhook event published while the gateway's OAuth token has just been refused: the host fetches a new token
/// and publishes, as job commands do, rather than failing the event.</summary>
public sealed class InboundTokenRefreshTests
{
    [Fact]
    public async Task A_publish_refused_as_unauthenticated_fetches_a_fresh_token_and_goes_through()
    {
        var issued = 0;
        await using var tokens = await LoopbackServer.StartAsync(app => app.MapPost("/oauth/token",
            () => Results.Json(new { access_token = "tok-" + Interlocked.Increment(ref issued), expires_in = 3600 })));
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.RequiredToken = "tok-1";
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        // Long polls of a minute: while the test runs no worker call comes to refresh the token for the publish.
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:RequestTimeout=00:01:00",
            "Switchboard:Zeebe:ClientId=switchboard", "Switchboard:Zeebe:ClientSecret=client-secret-W3",
            "Switchboard:Zeebe:AuthorizationServerUrl=" + new Uri(tokens.Address, "oauth/token"),
            "Switchboard:Inbound:Activations:orders:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:orders:messageName=order",
            "Switchboard:Inbound:Activations:orders:correlationKeyExpression==request.body.id");
        await Eventually.WaitFor(() => server.Gateway.OpenActivations("_activate_inbound_connector") == 2,
            because: "the workers' stream and first long poll are open");
        Task<HttpResponseMessage> Post(string id) =>
            host.Http.PostAsync("/inbound/orders", new StringContent($$"""{"id":"{{id}}"}""", Encoding.UTF8, "application/json"));

        server.Gateway.RequiredToken = "tok-2"; // the identity provider rotated its keys
        using var response = await Post("o-1");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        server.Gateway.Messages.Should().ContainSingle(m => m.CorrelationKey == "o-1");
        Volatile.Read(ref issued).Should().Be(2, "one fresh token after the refusal");
    }
}
