using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Csp;

/// <summary>Bearer-token protection of <c>/csp/*</c> and the callback host allow-list, on a host configured for both.</summary>
public sealed class CspSecurityTests : IAsyncLifetime
{
    private const string Token = "csp-t0ken-for-tests";
    private readonly PluginSandbox _sandbox = new();
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _host = await RunningHost.StartAsync(_sandbox.Directory,
            $"Switchboard:Csp:BearerToken={Token}", "Switchboard:Csp:CallbackAllowedHosts:0=callbacks.example.com", "Switchboard:Csp:CallbackAllowedHosts:1=*.camunda.io");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _sandbox.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer " + Token + "x")]
    [InlineData("Basic " + Token)]
    [InlineData("Bearer")]
    public async Task Without_the_right_bearer_token_every_csp_route_answers_401(string? authorization)
    {
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Post, "/csp/connector") { Content = new StringContent(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2)).ToJsonString(), System.Text.Encoding.UTF8, "application/json") },
            new HttpRequestMessage(HttpMethod.Get, "/csp/connectors"),
            new HttpRequestMessage(HttpMethod.Get, "/csp/status"),
        })
        {
            if (authorization is not null)
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await _host.Http.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, request.RequestUri!.ToString());
            response.Headers.WwwAuthenticate.Should().ContainSingle(h => h.Scheme == "Bearer");
            (await response.Content.ReadAsStringAsync()).Should().NotContain(Token);
        }
    }

    [Fact]
    public async Task With_the_right_bearer_token_calls_are_served_and_health_needs_none()
    {
        using var call = new HttpRequestMessage(HttpMethod.Post, "/csp/connector") { Content = new StringContent(CspCall.Request(1, CspCall.Calculator, CspCall.Add(1, 2)).ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/csp/connectors");
        list.Headers.Authorization = new AuthenticationHeaderValue("bearer", Token);

        using var called = await _host.Http.SendAsync(call);
        using var listed = await _host.Http.SendAsync(list);
        using var health = await _host.Http.GetAsync("/health");

        called.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await called.Content.ReadAsStringAsync())!["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(3);
        listed.StatusCode.Should().Be(HttpStatusCode.OK);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/cb", false)]
    [InlineData("http://169.254.169.254/latest/meta-data", false)]
    [InlineData("http://callbacks.example.com.evil.net/cb", false)]
    [InlineData("http://camunda.io/cb", false)]
    [InlineData("https://CALLBACKS.example.com/cb?token=1", true)]
    [InlineData("https://runtime.eu-1.camunda.io/cb", true)]
    public async Task Callback_urls_must_point_at_an_allowed_host(string callbackUrl, bool allowed)
    {
        using var call = new HttpRequestMessage(HttpMethod.Post, "/csp/connector")
        {
            Content = new StringContent(CspCall.Request(1, CspCall.Calculator, new JsonObject { ["action"] = "add" }, callbackUrl: callbackUrl).ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var response = await _host.Http.SendAsync(call);
        var answer = new CspAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());

        // The input lacks a and b on purpose: an allowed URL gets to input validation, and no callback is ever sent.
        answer.ErrorCode.Should().Be(-32602);
        if (allowed)
            answer.InvalidFields.Should().BeEquivalentTo("a", "b");
        else
            answer.ErrorData!["validationErrors"]![0]!["message"]!.GetValue<string>().Should().Contain("which Switchboard:Csp:CallbackAllowedHosts does not allow");
    }
}
