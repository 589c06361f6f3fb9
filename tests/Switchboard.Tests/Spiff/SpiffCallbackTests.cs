using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Spiff;

public sealed class SpiffCallbackTests
{
    private const string FastRetries = "Switchboard:Spiff:CallbackRetryDelay=00:00:00.050";

    [Fact]
    public async Task A_long_running_command_answers_202_then_puts_the_envelope_retrying_after_a_503()
    {
        await using var listener = await CallbackListener.StartAsync(answers: (503, """{"error":"busy"}"""));
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries, "Switchboard:Spiff:CallbackBearerToken=backend-token");

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            $$"""{"milliseconds":200,"spiff__task_id":"task-9","spiff__process_instance_id":42,"spiff__callback_url":"{{listener.CallbackUrl("task-9")}}"}""");

        accepted.Status.Should().Be(HttpStatusCode.Accepted);
        accepted.ContentType.Should().Be("application/json");
        accepted.Json["error"].Should().BeNull("the backend fails the task at once when a 202 carries an error");
        accepted.Json["command_response"]!["http_status"]!.GetValue<int>().Should().BeLessThan(300);
        accepted.Json["command_response_version"]!.GetValue<int>().Should().Be(2);

        await Eventually.WaitFor(() => listener.Received.Count >= 2, because: "the PUT is retried after the 503");
        var attempts = listener.Received.ToArray();
        attempts.Should().HaveCount(2).And.OnlyContain(r => r.Method == "PUT" && r.Path == "/v1.0/tasks/42/task-9/callback"
            && r.ContentType == "application/json" && r.Authorization == "Bearer backend-token");
        attempts[1].Body.Should().Be(
            """{"command_response":{"body":{"done":true,"waited":200,"taskId":"task-9"},"mimetype":"application/json","http_status":200,"headers":{}},"command_response_version":2,"error":null,"spiff__logs":[]}""");
    }

    [Fact]
    public async Task Long_running_commands_beyond_the_pending_limit_are_refused_as_busy()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries,
            "Switchboard:Spiff:CallbackMaxConcurrentCalls=1", "Switchboard:Spiff:CallbackMaxPendingCalls=2", "Switchboard:Spiff:CallbackDrainTimeout=00:00:00.200");
        string Later(string task) =>
            $$"""{"milliseconds":60000,"spiff__task_id":"{{task}}","spiff__process_instance_id":42,"spiff__callback_url":"{{listener.CallbackUrl(task)}}"}""";

        var first = await SpiffCall.DoAsync(host.Http, "fixture/Later", Later("t1"));
        var second = await SpiffCall.DoAsync(host.Http, "fixture/Later", Later("t2"));
        var third = await SpiffCall.DoAsync(host.Http, "fixture/Later", Later("t3"));

        first.Status.Should().Be(HttpStatusCode.Accepted);
        second.Status.Should().Be(HttpStatusCode.Accepted, "one runs, one waits for its turn");
        third.Status.Should().Be(HttpStatusCode.OK, third.Text);
        third.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(503);
        third.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Busy");
        third.Json["error"]!["message"]!.GetValue<string>().Should().Contain("too many asynchronous calls are pending (2)");
    }

    [Fact]
    public async Task A_long_running_command_refused_as_busy_is_logged_as_a_warning_naming_the_command_and_the_limit()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, FastRetries,
            "Switchboard:Spiff:CallbackMaxConcurrentCalls=1", "Switchboard:Spiff:CallbackMaxPendingCalls=1", "Switchboard:Spiff:CallbackDrainTimeout=00:00:00.200");
        string Later(string task) => $$"""{"milliseconds":60000,"spiff__callback_url":"{{listener.CallbackUrl(task)}}"}""";

        var first = await SpiffCall.DoAsync(host.Http, "fixture/Later", Later("t1"));
        var second = await SpiffCall.DoAsync(host.Http, "fixture/Later", Later("t2"));

        first.Status.Should().Be(HttpStatusCode.Accepted, first.Text);
        second.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Busy", second.Text);
        var refusals = log.ToString().Split('\n').Where(l => l.Contains("asynchronous call") && l.Contains("refused")).ToList();
        refusals.Should().ContainSingle(string.Join("\n", refusals))
            .Which.Should().Contain(" WRN ").And.Contain("Spiff").And.Contain("fixture/Later").And.Contain("pending (1)");
    }

    [Fact]
    public async Task A_retried_callback_is_logged_as_information_and_a_lost_one_as_an_error_as_CSP_logs_them()
    {
        await using var listener = await CallbackListener.StartAsync(answers: [(503, """{"error":"busy"}"""), (503, """{"error":"busy"}""")]);
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var log = await RunningHost.LogOfAsync(sandbox.Directory, async host =>
        {
            var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":10,"spiff__callback_url":"{{listener.CallbackUrl("t1")}}"}""");
            accepted.Status.Should().Be(HttpStatusCode.Accepted, accepted.Text);
        }, FastRetries, "Switchboard:Log:Level=Information", "Switchboard:Spiff:CallbackRetries=1");

        listener.Received.Should().HaveCount(2, "the first attempt and one retry, both answered 503");
        var lines = log.Where(l => l.Contains("Callback of command")).ToList();
        lines.Should().ContainSingle(l => l.Contains("retry"), string.Join("\n", lines))
            .Which.Should().Contain(" INF ", "a retry may still succeed: nothing for the operator to act on yet").And.Contain("fixture/Later").And.Contain("503");
        lines.Should().ContainSingle(l => l.Contains("lost"), string.Join("\n", lines))
            .Which.Should().Contain(" ERR ", "the backend never gets the result: the operator must act").And.Contain("fixture/Later");
        log.Should().NotContain(l => l.Contains("Polly"), "each retry is one line, the sender's; Polly's own would repeat it");
    }

    [Theory]
    [InlineData("Information", false)]
    [InlineData("Debug", true)]
    public async Task A_delivered_callback_is_logged_at_debug_as_CSP_logs_its_own(string level, bool deliveryShown)
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var log = await RunningHost.LogOfAsync(sandbox.Directory, async host =>
        {
            var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":10,"spiff__callback_url":"{{listener.CallbackUrl("t1")}}"}""");
            accepted.Status.Should().Be(HttpStatusCode.Accepted, accepted.Text);
        }, FastRetries, "Switchboard:Log:Level=" + level);

        listener.Received.Should().ContainSingle("the call ran and was called back");
        var deliveries = log.Where(l => l.Contains("delivered to")).ToList();
        if (deliveryShown)
            deliveries.Should().ContainSingle(string.Join("\n", deliveries)).Which.Should().Contain(" DBG ").And.Contain("fixture/Later");
        else
            deliveries.Should().BeEmpty("a delivered callback is the call succeeding, which the default level does not log for either protocol");
    }

    [Fact]
    public async Task At_shutdown_a_command_still_running_after_the_drain_calls_back_that_the_host_shut_down()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries, "Switchboard:Spiff:CallbackDrainTimeout=00:00:00.200");
        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            $$"""{"milliseconds":60000,"spiff__task_id":"t9","spiff__process_instance_id":42,"spiff__callback_url":"{{listener.CallbackUrl("t9")}}"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted);

        await host.DisposeAsync();

        var received = listener.Received.Should().ContainSingle("the call is cancelled after the drain and its callback still sent").Subject;
        var envelope = JsonNode.Parse(received.Body)!;
        envelope["error"]!["error_code"]!.GetValue<string>().Should().Be("Cancelled");
        envelope["error"]!["message"]!.GetValue<string>().Should().Contain("the host shut down while the call ran");
    }

    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task Invalid_parameters_of_a_long_running_command_are_answered_at_once_and_never_called_back(string isolation)
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries, "Switchboard:Catalog:Isolation=" + isolation);

        var refused = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            $$"""{"milliseconds":"soon","spiff__task_id":"task-3","spiff__process_instance_id":42,"spiff__callback_url":"{{listener.CallbackUrl("task-3")}}"}""");

        refused.Status.Should().Be(HttpStatusCode.OK, "not 202: the call was never accepted");
        refused.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        refused.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters");
        refused.Json["error"]!["message"]!.GetValue<string>().Should().Contain("milliseconds");
        var status = (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json;
        status["asyncCalls"]!["accepted"]!.GetValue<long>().Should().Be(0, "a refused call is never started, so it has nothing to call back with");
        listener.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task A_connection_failure_is_retried_until_the_backend_listens()
    {
        int port;
        await using (var probe = await CallbackListener.StartAsync())
            port = probe.Address.Port;
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries, "Switchboard:Spiff:CallbackApiKey=backend-key");

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            $$"""{"milliseconds":0,"spiff__task_id":"task-3","spiff__callback_url":"http://127.0.0.1:{{port}}/v1.0/tasks/42/task-3/callback"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted);
        await Task.Delay(300); // the first attempts hit a closed port
        await using var listener = await CallbackListener.StartAsync(port);

        await Eventually.WaitFor(() => !listener.Received.IsEmpty, because: "the PUT is retried after connection failures");
        var received = listener.Received.Single();
        received.ApiKey.Should().Be("backend-key");
        received.Authorization.Should().BeEmpty();
        JsonNode.Parse(received.Body)!["command_response"]!["body"]!["taskId"]!.GetValue<string>().Should().Be("task-3");
    }

    [Theory]
    [InlineData("not_waiting_for_callback")]
    [InlineData("callback_not_found")]
    public async Task A_400_saying_the_backend_no_longer_waits_stops_the_retries(string code)
    {
        await using var listener = await CallbackListener.StartAsync(answers: (400, $$"""{"error_code":"{{code}}","message":"done"}"""));
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries);

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later",
            $$"""{"milliseconds":0,"spiff__callback_url":"{{listener.CallbackUrl("t")}}"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted);

        // A command stops being pending only once its callback is settled: from then on no retry can follow.
        var status = await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json,
            s => s["asyncCalls"]!["pending"]!.GetValue<long>() == 0);
        status["callbacks"]!["retried"]!.GetValue<long>().Should().Be(0);
        status["callbacks"]!["lost"]!.GetValue<long>().Should().Be(0, "the backend is done with the task: nothing is lost");
        listener.Received.Should().HaveCount(1);
    }

    [Fact]
    public async Task A_failure_in_the_background_reaches_the_backend_as_an_error_envelope()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries);

        await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"fail":true,"spiff__callback_url":"{{listener.CallbackUrl("t")}}"}""");

        await Eventually.WaitFor(() => !listener.Received.IsEmpty);
        var envelope = JsonNode.Parse(listener.Received.Single().Body)!;
        envelope["command_response"]!["http_status"]!.GetValue<int>().Should().Be(503);
        envelope["command_response"]!["body"]!["error_code"]!.GetValue<string>().Should().Be("UpstreamDown");
        envelope["error"]!["error_code"]!.GetValue<string>().Should().Be("UpstreamDown");
    }

    [Fact]
    public async Task A_command_not_declared_long_running_answers_at_once_although_the_backend_sends_a_callback_url()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries);

        // SpiffArena's backend sends spiff__callback_url with every call; only execute_async-style commands use it.
        var answered = await SpiffCall.DoAsync(host.Http, "fixture/Slow", $$"""{"milliseconds":100,"spiff__callback_url":"{{listener.CallbackUrl("t")}}"}""");

        answered.Status.Should().Be(HttpStatusCode.OK, answered.Text);
        answered.Json["error"].Should().BeNull(answered.Text);
        answered.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(200);
        answered.Json["command_response"]!["body"].Should().NotBeNull();
        listener.Received.Should().BeEmpty("the answer was the response; there is nothing to call back with");
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/callback", "must be an absolute http or https URL")]
    [InlineData("/relative/callback", "must be an absolute http or https URL")]
    [InlineData("http://attacker.example:7000/collect", "which Switchboard:Spiff:CallbackOrigins does not allow")]
    [InlineData("http://someone:Pa55word@attacker.example:7000/collect", "points at http://attacker.example:7000,")]
    public async Task A_callback_url_outside_the_allowed_origins_is_an_invalid_parameter(string url, string problem)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Spiff:CallbackOrigins:0=http://127.0.0.1:7000", "Switchboard:Spiff:CallbackBearerToken=backend-token");

        var call = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":"{{url}}"}""");

        call.Status.Should().Be(HttpStatusCode.OK);
        call.Json["command_response"]!["http_status"]!.GetValue<int>().Should().Be(400);
        call.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("InvalidParameters");
        call.Json["error"]!["message"]!.GetValue<string>().Should().Contain("spiff__callback_url").And.Contain(problem);
        call.Text.Should().NotContain("Pa55word", "a URL's user part is never echoed");
    }

    [Fact]
    public async Task Shutdown_waits_for_a_running_command_and_delivers_its_callback()
    {
        await using var listener = await CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries);

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":800,"spiff__callback_url":"{{listener.CallbackUrl("t")}}"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted);
        await host.DisposeAsync();

        listener.Received.Should().ContainSingle("the host drained the command before stopping")
            .Which.Body.Should().Contain("\"waited\":800");
    }

    [Fact]
    public async Task A_Retry_After_of_an_hour_is_capped_and_a_callback_given_up_on_is_counted_lost()
    {
        await using var listener = await CallbackListener.StartAsync(answers: [(503, "{}"), (503, "{}"), (503, "{}")]);
        listener.RetryAfter = "3600";
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries,
            "Switchboard:Spiff:CallbackRetries=2", "Switchboard:Spiff:CallbackMaxRetryDelay=00:00:00.200");

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":"{{listener.CallbackUrl("t")}}"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted);

        var status = await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json,
            s => s["callbacks"]!["lost"]!.GetValue<long>() == 1, because: "the retries wait at most the cap, not the hour asked for");
        listener.Received.Should().HaveCount(3, "the first attempt and two retries");
        status["callbacks"]!["retried"]!.GetValue<long>().Should().Be(2);
        status["asyncCalls"]!["pending"]!.GetValue<long>().Should().Be(0);
    }

    [Fact]
    public async Task A_callback_answered_with_a_redirect_is_not_followed_past_the_allowed_origins_nor_its_credentials_sent_there()
    {
        await using var elsewhere = await CallbackListener.StartAsync();
        await using var listener = await CallbackListener.StartAsync(answers: (302, "{}"));
        listener.Location = elsewhere.CallbackUrl("t");
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("SpiffFixture"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, FastRetries,
            "Switchboard:Spiff:CallbackOrigins:0=" + listener.Address.GetLeftPart(UriPartial.Authority), "Switchboard:Spiff:CallbackApiKey=backend-key");

        var accepted = await SpiffCall.DoAsync(host.Http, "fixture/Later", $$"""{"milliseconds":0,"spiff__callback_url":"{{listener.CallbackUrl("t")}}"}""");
        accepted.Status.Should().Be(HttpStatusCode.Accepted, accepted.Text);

        var status = await Eventually.WaitFor(async () => (await SpiffCall.GetAsync(host.Http, "/v1/status")).Json,
            s => s["asyncCalls"]!["pending"]!.GetValue<long>() == 0);
        listener.Received.Should().ContainSingle().Which.ApiKey.Should().Be("backend-key");
        elsewhere.Received.Should().BeEmpty("a redirect would take the callback and its API key to an origin the options do not allow");
        status["callbacks"]!["lost"]!.GetValue<long>().Should().Be(1);
    }
}
