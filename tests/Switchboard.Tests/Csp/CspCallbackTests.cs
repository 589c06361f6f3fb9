using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Csp;

/// <summary>Asynchronous calls: validated first, answered 202, run, then POSTed to a real callback listener, with retries and counted losses.</summary>
public sealed class CspCallbackTests(CspHostFixture fixture) : IClassFixture<CspHostFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task An_asynchronous_call_is_answered_202_and_its_full_response_posted_to_the_callback()
    {
        await using var listener = await CallbackListener.StartAsync();

        var answer = await _http.PostAsync(CspCall.Request(99999999, CspCall.Calculator, CspCall.Add(5, 3), callbackUrl: listener.Url.ToString()));

        answer.Status.Should().Be(HttpStatusCode.Accepted);
        answer.Json["id"]!.GetValue<long>().Should().Be(99999999);
        answer.Result!["statusCode"]!.GetValue<int>().Should().Be(202);
        answer.Result!["output"].Should().BeNull();
        answer.Result!.AsObject().ContainsKey("error").Should().BeTrue();
        var callback = await listener.NextAsync();
        callback["jsonrpc"]!.GetValue<string>().Should().Be("2.0");
        callback["id"]!.GetValue<long>().Should().Be(99999999);
        callback["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(8);
        callback["result"]!["statusCode"]!.GetValue<int>().Should().Be(200);
        listener.Requests.Should().Be(1);
    }

    [Fact]
    public async Task A_call_that_fails_while_running_calls_back_with_the_error_form()
    {
        await using var listener = await CallbackListener.StartAsync();

        var answer = await _http.PostAsync(CspCall.Request("job-7", CspCall.Calculator,
            new JsonObject { ["action"] = "divide", ["a"] = 1, ["b"] = 0 }, callbackUrl: listener.Url.ToString()));

        answer.Status.Should().Be(HttpStatusCode.Accepted);
        var callback = await listener.NextAsync();
        callback["id"]!.GetValue<string>().Should().Be("job-7");
        callback["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
        callback["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("DivisionByZero");
    }

    [Fact]
    public async Task Invalid_input_or_an_unknown_connector_is_answered_at_once_and_never_called_back()
    {
        await using var listener = await CallbackListener.StartAsync();

        var invalid = await _http.PostAsync(CspCall.Request(1, CspCall.Calculator, new JsonObject { ["action"] = "add" }, callbackUrl: listener.Url.ToString()));
        var unknown = await _http.PostAsync(CspCall.Request(2, "io.example:nothing:1", CspCall.Add(1, 2), callbackUrl: listener.Url.ToString()));

        invalid.Status.Should().Be(HttpStatusCode.OK);
        invalid.ErrorCode.Should().Be(-32602);
        invalid.InvalidFields.Should().BeEquivalentTo("a", "b");
        unknown.ErrorCode.Should().Be(-32601);
        (await listener.ReceivesMoreWithin(TimeSpan.FromMilliseconds(500))).Should().BeFalse();
        listener.Requests.Should().Be(0);
    }

    [Fact]
    public async Task A_callback_answered_503_is_retried_and_delivered()
    {
        await using var listener = await CallbackListener.StartAsync(503);
        var before = await StatusAsync();

        await _http.PostAsync(CspCall.Request(3, CspCall.Calculator, CspCall.Add(2, 2), callbackUrl: listener.Url.ToString()));

        var callback = await listener.NextAsync();
        callback["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(4);
        listener.Requests.Should().Be(2, "the first attempt got 503");
        var after = await Eventually.WaitFor(StatusAsync, s => Delivered(s) > Delivered(before));
        Retried(after).Should().BeGreaterThan(Retried(before));
    }

    [Fact]
    public async Task A_Retry_After_header_is_honoured_only_up_to_the_longest_retry_delay()
    {
        await using var listener = await CallbackListener.StartAsync(429);
        listener.RetryAfter = "3600";

        await _http.PostAsync(CspCall.Request(8, CspCall.Calculator, CspCall.Add(4, 4), callbackUrl: listener.Url.ToString()));

        (await listener.NextAsync(TimeSpan.FromSeconds(5)))["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(8, "an hour's Retry-After is capped at MaxRetryDelay");
        listener.Requests.Should().Be(2);
    }

    [Fact]
    public async Task A_callback_answered_429_then_500_is_retried_until_delivered_within_the_attempt_bound()
    {
        await using var listener = await CallbackListener.StartAsync(429, 500);

        await _http.PostAsync(CspCall.Request(4, CspCall.Calculator, CspCall.Add(3, 3), callbackUrl: listener.Url.ToString()));

        (await listener.NextAsync())["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(6);
        listener.Requests.Should().Be(3);
    }

    [Fact]
    public async Task A_callback_that_keeps_failing_is_given_up_after_the_attempt_bound_and_counted_as_lost()
    {
        await using var listener = await CallbackListener.StartAsync(503, 503, 503, 503);
        var before = await StatusAsync();

        await _http.PostAsync(CspCall.Request(5, CspCall.Calculator, CspCall.Add(1, 1), callbackUrl: listener.Url.ToString()));

        await Eventually.WaitFor(StatusAsync, s => Lost(s) == Lost(before) + 1, because: "the callback is counted as lost");
        listener.Requests.Should().Be(3, "MaxAttempts is 3");
    }

    [Fact]
    public async Task A_refused_connection_is_retried_then_counted_as_lost()
    {
        var before = await StatusAsync();

        var answer = await _http.PostAsync(CspCall.Request(6, CspCall.Calculator, CspCall.Add(1, 1), callbackUrl: $"http://127.0.0.1:{LoopbackPort.Free()}/cb"));

        answer.Status.Should().Be(HttpStatusCode.Accepted);
        var after = await Eventually.WaitFor(StatusAsync, s => Lost(s) == Lost(before) + 1);
        Retried(after).Should().BeGreaterThanOrEqualTo(Retried(before) + 2);
    }

    [Fact]
    public async Task A_callback_answered_400_is_not_retried()
    {
        await using var listener = await CallbackListener.StartAsync(400);
        var before = await StatusAsync();

        await _http.PostAsync(CspCall.Request(7, CspCall.Calculator, CspCall.Add(1, 1), callbackUrl: listener.Url.ToString()));

        await Eventually.WaitFor(StatusAsync, s => Lost(s) == Lost(before) + 1);
        listener.Requests.Should().Be(1);
    }

    [Fact]
    public async Task Asynchronous_calls_in_a_batch_each_get_the_202_marker_and_their_own_callback()
    {
        await using var listener = await CallbackListener.StartAsync();

        var answer = await _http.PostAsync(new JsonArray(
            CspCall.Request(11, CspCall.Calculator, CspCall.Add(1, 1), callbackUrl: listener.Url.ToString()),
            CspCall.Request(12, CspCall.Calculator, CspCall.Add(2, 2), callbackUrl: listener.Url.ToString()),
            CspCall.Request(13, CspCall.Calculator, CspCall.Add(3, 3))));

        answer.Status.Should().Be(HttpStatusCode.OK);
        var replies = answer.Json.AsArray();
        replies[0]!["result"]!["statusCode"]!.GetValue<int>().Should().Be(202);
        replies[1]!["result"]!["statusCode"]!.GetValue<int>().Should().Be(202);
        replies[2]!["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(6);
        var callbacks = new[] { await listener.NextAsync(), await listener.NextAsync() };
        callbacks.Select(c => c["id"]!.GetValue<int>()).Should().BeEquivalentTo([11, 12]);
    }

    [Fact]
    public async Task Shutdown_waits_for_a_pending_call_and_delivers_its_callback()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        CspHostFixture.AddPlugins(sandbox);
        var host = await RunningHost.StartAsync(sandbox.Directory, CspHostFixture.Settings);

        var answer = await host.Http.PostAsync(CspCall.Request(21, CspCall.Probe, new JsonObject { ["milliseconds"] = 600 }, "wait", listener.Url.ToString()));
        answer.Status.Should().Be(HttpStatusCode.Accepted);
        await host.DisposeAsync();

        var callback = await listener.NextAsync(TimeSpan.FromSeconds(1));
        callback["id"]!.GetValue<int>().Should().Be(21);
        callback["result"]!["output"]!["echo"]!.GetValue<string>().Should().Be("600");
    }

    [Fact]
    public async Task Shutdown_past_the_drain_timeout_cancels_the_call_and_calls_back_with_an_error()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        CspHostFixture.AddPlugins(sandbox);
        var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. CspHostFixture.Settings, "Plugins:ReloadProbe:TimeoutSeconds=30", "Switchboard:Csp:Callback:DrainTimeout=00:00:00.300"]);

        await host.Http.PostAsync(CspCall.Request(22, CspCall.Probe, new JsonObject { ["milliseconds"] = 20_000 }, "wait", listener.Url.ToString()));
        await host.DisposeAsync();

        var callback = await listener.NextAsync(TimeSpan.FromSeconds(1));
        callback["id"]!.GetValue<int>().Should().Be(22);
        callback["error"]!["code"]!.GetValue<int>().Should().Be(-32603);
        callback["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("Cancelled");
        callback["error"]!["data"]!["errorMessage"]!.GetValue<string>().Should().Be("the host shut down while the call ran");
        callback["error"]!["data"]!["retryable"]!.GetValue<bool>().Should().BeTrue();
    }

    private async Task<JsonNode> StatusAsync() => JsonNode.Parse(await _http.GetStringAsync("/csp/status"))!;

    private static long Delivered(JsonNode status) => status["callbacks"]!["delivered"]!.GetValue<long>();

    private static long Retried(JsonNode status) => status["callbacks"]!["retried"]!.GetValue<long>();

    private static long Lost(JsonNode status) => status["callbacks"]!["lost"]!.GetValue<long>();

    [Fact]
    public async Task Receivers_that_never_answer_do_not_delay_another_calls_callback()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        // Two run slots, one attempt each that may take a minute: were delivery holding a run slot, the third call would wait that minute.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Csp:Callback:MaxConcurrentCalls=2",
            "Switchboard:Csp:Callback:MaxAttempts=1", "Switchboard:Csp:Callback:AttemptTimeout=00:01:00", "shutdownTimeoutSeconds=2");
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the backlog does) and never answers
        var silentUrl = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/callback";
        await using var listener = await CallbackListener.StartAsync();

        for (var i = 0; i < 2; i++)
            (await host.Http.PostAsync(CspCall.Request(i, CspCall.Calculator, CspCall.Add(i, 1), callbackUrl: silentUrl))).Status.Should().Be(HttpStatusCode.Accepted);
        (await host.Http.PostAsync(CspCall.Request(3, CspCall.Calculator, CspCall.Add(1, 2), callbackUrl: listener.Url.ToString()))).Status.Should().Be(HttpStatusCode.Accepted);

        var callback = await listener.NextAsync();
        callback["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(3);
    }

    [Fact]
    public async Task An_accepted_call_runs_on_the_generation_that_validated_it_even_if_the_plugin_is_reloaded_before_it_runs()
    {
        using var sandbox = new PluginSandbox();
        var folder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        // One run slot, so the second call waits behind the first; reloads only on request.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Csp:Callback:MaxConcurrentCalls=1", "Switchboard:Catalog:Watch=false");
        await using var listener = await CallbackListener.StartAsync();
        var callback = listener.Url.ToString();

        (await host.Http.PostAsync(CspCall.Request(1, CspCall.Probe, new JsonObject { ["milliseconds"] = 3000 }, "wait", callback))).Status.Should().Be(HttpStatusCode.Accepted);
        (await host.Http.PostAsync(CspCall.Request(2, CspCall.Probe, new JsonObject { ["echo"] = "queued" }, "identify", callback))).Status.Should().Be(HttpStatusCode.Accepted);
        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), folder);
        await host.Catalog.SyncAsync("ReloadProbe", force: true);
        host.Catalog.Plugins.Single(p => p.Name == "ReloadProbe").Generation.Should().Be(2, "v2 serves new calls now");

        // The calls run in turn, but their callbacks are delivered side by side and may arrive in either order.
        var callbacks = new[] { await listener.NextAsync(TimeSpan.FromSeconds(30)), await listener.NextAsync(TimeSpan.FromSeconds(30)) };
        var byId = callbacks.ToDictionary(c => c["id"]!.GetValue<int>());

        byId.Keys.Should().BeEquivalentTo([1, 2]);
        var second = byId[2];
        (second["result"]?["output"]?["variant"]?.GetValue<string>()).Should().Be("v1", "it was validated by v1 and runs there: " + second.ToJsonString());
    }
}
