using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Host.Dashboard;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Dashboard;

/// <summary>The dashboard over HTTP: who may see it, and the state pushed on every plugin status change.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task Every_plugin_status_change_is_pushed_to_an_open_event_stream_failures_and_removals_included()
    {
        using var sandbox = new PluginSandbox();
        var calculator = sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        using var response = await host.DashboardGetAsync("/ui/api/events", HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await NextStateAsync(events, _ => true);
        Plugin(first, "Calculator")!["state"]!.ToString().Should().Be("loaded");
        first["connectors"]!.AsArray().Select(c => c!["type"]!.ToString()).Should().Equal("io.switchboard:calculator:1");

        // A failed load changes no connector, and is pushed all the same, with its reason.
        var corrupt = Path.Combine(sandbox.Directory, "Corrupt");
        Directory.CreateDirectory(corrupt);
        await File.WriteAllTextAsync(Path.Combine(corrupt, "Corrupt.dll"), "this is not a portable executable");
        var failed = await NextStateAsync(events, s => Plugin(s, "Corrupt")?["state"]?.ToString() == "failed");
        Plugin(failed, "Corrupt")!["reason"]!.ToString().Should().Contain("not a .NET assembly");
        Plugin(failed, "Corrupt")!["history"]!.AsArray().Select(e => e!["what"]!.ToString()).Should().ContainMatch("failed to load: *not a .NET assembly*");

        Directory.Delete(calculator, recursive: true);
        var removed = await NextStateAsync(events, s => s["connectors"]!.AsArray().Count == 0);
        removed["connectors"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task Feed_clients_get_the_same_state_built_once_per_change_and_a_client_past_the_cap_is_refused()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Dashboard:MaxFeedClients=4");
        var state = host.Services.GetRequiredService<DashboardState>();
        var feeds = new List<(HttpResponseMessage Response, StreamReader Events)>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var response = await host.DashboardGetAsync("/ui/api/events", HttpCompletionOption.ResponseHeadersRead);
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                var events = new StreamReader(await response.Content.ReadAsStreamAsync());
                feeds.Add((response, events));
                (await NextStateAsync(events, _ => true))["recentCalls"]!.AsArray().Should().BeEmpty();
            }
            var builtBefore = state.Builds;

            // A call is recorded, which is a change: every client is sent it, from one state built for all.
            (await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(2, 3)))).Status.Should().Be(HttpStatusCode.OK);
            var seen = new List<string>();
            foreach (var (_, events) in feeds)
                seen.Add((await NextStateAsync(events, s => s["recentCalls"]!.AsArray().Count == 1)).ToJsonString());
            seen.Distinct().Should().ContainSingle();
            (state.Builds - builtBefore).Should().Be(1, "the state is built once per change, not once per client");

            using var refused = await host.DashboardGetAsync("/ui/api/events", HttpCompletionOption.ResponseHeadersRead);
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
            JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"]!.ToString().Should()
                .Be("the dashboard's live feed serves at most 4 clients at once (Switchboard:Dashboard:MaxFeedClients)");
        }
        finally
        {
            foreach (var (response, events) in feeds)
            {
                events.Dispose();
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Reading_the_state_again_and_again_builds_it_once_per_change()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        var state = host.Services.GetRequiredService<DashboardState>();
        (await host.Http.PostAsync(CspCall.Request(1, CspCall.Calculator, CspCall.Add(2, 3)))).Status.Should().Be(HttpStatusCode.OK);

        var builtBefore = state.Builds;
        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
            answers.Add(await (await host.DashboardGetAsync("/ui/api/state")).Content.ReadAsStringAsync());

        answers.Distinct().Should().ContainSingle();
        JsonNode.Parse(answers[0])!["recentCalls"]!.AsArray().Should().ContainSingle();
        (state.Builds - builtBefore).Should().BeLessThanOrEqualTo(1, "ten readers of an unchanged state share one build");
        (await host.Http.PostAsync(CspCall.Request(2, CspCall.Calculator, CspCall.Add(2, 3)))).Status.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await (await host.DashboardGetAsync("/ui/api/state")).Content.ReadAsStringAsync())!["recentCalls"]!.AsArray().Should().HaveCount(2, "a change is read at once");
    }

    [Fact]
    public async Task With_a_protocol_secret_set_the_data_needs_it_and_the_page_itself_holds_none()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Csp:BearerToken=csp-secret", "Switchboard:Spiff:ApiKey=spiff-secret");

        var page = await host.Http.GetAsync("/ui/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("<title>Switchboard</title>").And.NotContain("calculator");
        (await host.Http.GetAsync("/ui/api/state")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await host.Http.GetAsync("/ui/api/events")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Get(host, "/ui/api/state", "wrong")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        foreach (var secret in new[] { "csp-secret", "spiff-secret" })
        {
            var state = await Get(host, "/ui/api/state", secret);
            state.StatusCode.Should().Be(HttpStatusCode.OK, "either protocol's secret opens it");
            JsonNode.Parse(await state.Content.ReadAsStringAsync())!["connectors"]!.AsArray().Should().ContainSingle();
        }
    }

    [Fact]
    public async Task Without_a_protocol_secret_the_data_needs_a_key_made_for_this_run_which_the_host_logs_with_its_address()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Log:Level=Information");
        await using var other = await RunningHost.StartAsync(sandbox.Directory);

        (await host.Http.GetAsync("/ui/api/state")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "loopback alone is no person");
        (await host.Http.GetAsync("/ui/api/events")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Get(host, "/ui/api/state", other.DashboardKey)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "each run makes its own key");
        var state = await Get(host, "/ui/api/state", host.DashboardKey);
        state.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await state.Content.ReadAsStringAsync())!["connectors"]!.AsArray().Should().ContainSingle();

        host.DashboardKey.Should().MatchRegex("^[A-Za-z0-9_-]{22}$", "128 random bits, written to travel in an address");
        await Eventually.WaitFor(() => log.ToString().Contains(host.DashboardAddress), because: "the host logs the address to open, key included");
        (await host.Http.GetStringAsync("/ui/")).Should().NotContain(host.DashboardKey, "the page itself holds no key");
        (await host.Http.GetStringAsync("/plugins")).Should().NotContain(host.DashboardKey);
    }

    [Fact]
    public async Task A_configured_key_opens_the_data_and_no_key_is_made()
    {
        using var sandbox = new PluginSandbox();
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, "Switchboard:Dashboard:Key=a-key-of-our-own-choosing");

        (await Get(host, "/ui/api/state", "a-key-of-our-own-choosing")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await host.Http.GetAsync("/ui/api/state")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        host.Services.GetRequiredService<DashboardKeys>().Made.Should().BeNull();
        log.ToString().Should().NotContain("a-key-of-our-own-choosing", "a configured key is the operator's to hand out");
    }

    [Fact]
    public async Task The_page_is_addressed_as_a_folder_and_its_assets_are_embedded()
    {
        using var sandbox = new PluginSandbox();
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };

        var bare = await noRedirect.GetAsync("/ui");
        bare.StatusCode.Should().Be(HttpStatusCode.Redirect);
        bare.Headers.Location!.ToString().Should().Be("/ui/");
        var script = await host.Http.GetAsync("/ui/assets/app.js");
        script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        (await host.Http.GetAsync("/ui/assets/app.css")).Content.Headers.ContentType!.MediaType.Should().Be("text/css");
        (await host.Http.GetAsync("/ui/assets/nothing.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Http.GetAsync("/ui/assets/..%2Fappsettings.json")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Switched_off_it_is_not_served()
    {
        using var sandbox = new PluginSandbox();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Dashboard:Enabled=false");
        (await host.Http.GetAsync("/ui/")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await host.Http.GetAsync("/ui/api/state")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null, "127.0.0.1", true)]
    [InlineData(null, "::1", true)]
    [InlineData(null, "10.1.2.3", false)]
    [InlineData(true, "10.1.2.3", true)]
    public async Task By_default_only_requests_arriving_on_a_loopback_address_see_it(bool? enabled, string localAddress, bool served)
    {
        var filter = new DashboardAccessFilter(new DashboardOptions { Enabled = enabled });
        var http = new DefaultHttpContext();
        http.Connection.LocalIpAddress = IPAddress.Parse(localAddress);
        var reached = false;
        var result = await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ =>
        {
            reached = true;
            return ValueTask.FromResult<object?>(Results.Ok());
        });
        reached.Should().Be(served);
        if (!served)
            result.Should().BeAssignableTo<IStatusCodeHttpResult>().Which.StatusCode.Should().Be(404);
    }

    private static Task<HttpResponseMessage> Get(RunningHost host, string path, string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return host.Http.SendAsync(request);
    }

    private static JsonNode? Plugin(JsonObject state, string name) => state["plugins"]!.AsArray().FirstOrDefault(p => p!["name"]!.ToString() == name);

    private static async Task<JsonObject> NextStateAsync(StreamReader events, Func<JsonObject, bool> matches) =>
        (await DashboardEvents.NextStateAsync(events, matches)).State;
}
