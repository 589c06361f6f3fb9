using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Host.Protocols.Zeebe;
using Switchboard.Tests.Infrastructure;

using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Zeebe;

public sealed class ZeebeWorkerTests
{
    private static readonly string[] FastPolling =
    [
        "Switchboard:Zeebe:PollInterval=00:00:00.050",
        "Switchboard:Zeebe:RequestTimeout=00:00:01",
        "Switchboard:Zeebe:WorkerName=switchboard-test-worker",
    ];

    private static Task<RunningHost> HostAsync(PluginSandbox sandbox, string address) =>
        RunningHost.StartAsync(sandbox.Directory, [.. FastPolling, "Switchboard:Zeebe:Address=" + address]);

    private static PluginSandbox Plugins(params string[] testPlugins)
    {
        var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        foreach (var plugin in testPlugins)
            sandbox.Add(Repository.TestPlugin(plugin + ".V1"), plugin);
        return sandbox;
    }

    [Fact]
    public async Task A_job_is_completed_with_the_output_under_the_result_variable()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        var key = server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"multiply","a":6,"b":7,"unrelated":"x"}""",
            new() { ["resultVariable"] = "calculation" });
        var job = await server.Gateway.FinishedAsync(key);

        job.State.Should().Be(JobState.Completed);
        job.Completions.Should().Be(1);
        job.Worker.Should().Be("switchboard-test-worker");
        job.CompletedVariables!["calculation"]!["result"]!.GetValue<double>().Should().Be(42);
        job.CompletedVariables["calculation"]!["action"]!.GetValue<string>().Should().Be("multiply");
        server.Gateway.ActivateRequests.Should().Contain(r => r.Type == "io.switchboard:calculator:1"
            && r.FetchVariable.OrderBy(v => v).SequenceEqual(new[] { "a", "action", "b" }), "only the declared inputs are fetched");
    }

    [Fact]
    public async Task A_large_result_is_sent_gzip_compressed_and_small_requests_are_sent_as_they_are()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        sandbox.Add(Repository.TestPlugin("Conformance"));
        await using var host = await HostAsync(sandbox, server.Address);

        var small = server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}""", new() { ["resultVariable"] = "r" });
        var large = server.Gateway.CreateJob("test.switchboard:conformance:1", $$"""{"text":"{{new string('x', 4000)}}"}""",
            new() { ["operation"] = "echo", ["resultVariable"] = "r" });
        var (smallJob, largeJob) = (await server.Gateway.FinishedAsync(small), await server.Gateway.FinishedAsync(large));

        smallJob.State.Should().Be(JobState.Completed);
        largeJob.State.Should().Be(JobState.Completed, largeJob.ErrorMessage);
        largeJob.CompletedVariables!["r"]!["text"]!.GetValue<string>().Should().HaveLength(4000, "the gateway took the compressed request");
        server.Gateway.CompletionEncodings[large].Should().Be("gzip", "job variables are JSON text and shrink well");
        server.Gateway.CompletionEncodings[small].Should().BeNull("compressing a few bytes costs more than it saves");
        server.Gateway.RequestEncodings.Should().OnlyContain(e => e == null, "activation requests are small");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Streaming_and_polling_each_deliver_jobs_on_their_own(bool streaming, bool polling)
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address,
            $"Switchboard:Zeebe:Streaming={streaming}", $"Switchboard:Zeebe:Polling={polling}"]);
        if (!polling)
            // The gateway pushes a job only to a stream open when the job appears (see the next test).
            await Eventually.WaitFor(() => server.Gateway.OpenStreams("io.switchboard:calculator:1") > 0, because: "the worker opens its stream");

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":2,"b":3}""",
            new() { ["resultVariable"] = "r" }));

        job.State.Should().Be(JobState.Completed);
        job.CompletedVariables!["r"]!["result"]!.GetValue<double>().Should().Be(5);
        job.Streamed.Should().Be(streaming, "the job came the one way that is on");
        server.Gateway.StreamRequests.Any().Should().Be(streaming);
        server.Gateway.ActivateRequests.Any().Should().Be(polling);
        if (streaming)
            server.Gateway.StreamRequests.Where(r => r.Type == "io.switchboard:calculator:1")
                .Should().NotBeEmpty().And.OnlyContain(r => r.Worker == "switchboard-test-worker" && r.FetchVariable.Count == 3);
    }

    [Fact]
    public async Task Jobs_waiting_before_the_stream_opened_are_polled_in_the_default_mode_and_left_alone_by_a_stream_alone()
    {
        // As the broker does, the gateway pushes a job only when it appears; what waited before a stream opened is the
        // backlog, which only polls serve.
        await using var server = await TestGatewayServer.StartAsync();
        const string type = "io.switchboard:calculator:1";
        var waiting = Enumerable.Range(1, 5).Select(i => server.Gateway.CreateJob(type, $$"""{"action":"add","a":{{i}},"b":1}""")).ToList();
        using var sandbox = Plugins();

        var log = new SharedLog();
        await using (var streamingOnly = await RunningHost.StartAsync(sandbox.Directory, log, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address,
                         "Switchboard:Zeebe:Polling=false"]))
        {
            log.ToString().Should().Contain("polling is off", "a user who turns polling off is told what waits");
            await Eventually.WaitFor(() => server.Gateway.OpenStreams(type) > 0, because: "the worker opens its stream");
            var fresh = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(type, """{"action":"add","a":2,"b":3}"""));
            fresh.Streamed.Should().BeTrue("a job that appears while the stream is open is pushed to it");
            waiting.Select(server.Gateway.Job).Should().OnlyContain(j => j.Activations == 0, "with polling off nothing asks for the backlog");
        }

        await using var defaultMode = await HostAsync(sandbox, server.Address);
        foreach (var key in waiting)
        {
            var job = await server.Gateway.FinishedAsync(key);
            job.State.Should().Be(JobState.Completed);
            job.Streamed.Should().BeFalse("the backlog is polled");
        }
    }

    // A job type the host serves itself: a job with "hold": true runs until the test opens the gate.
    private sealed class GatedJob : IHostJob
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Type => "test.switchboard:gated:1";

        public async Task<HostJobResult> RunAsync(System.Text.Json.Nodes.JsonObject variables, IReadOnlySet<string> secrets, CancellationToken cancellationToken)
        {
            if (variables["hold"] is { } hold && hold.GetValue<bool>())
                await Gate.Task.WaitAsync(cancellationToken);
            return HostJobResult.Completed();
        }
    }

    [Fact]
    public async Task Jobs_given_back_while_the_stream_was_full_are_polled_once_it_has_delivered_the_rest_not_a_poll_interval_later()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        var gated = new GatedJob();
        // One slot, long polls held at the gateway, and a poll interval beyond the test's patience.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, null, switchboard =>
            {
                switchboard.AddZeebe();
                switchboard.Services.AddSingleton<IHostJob>(gated);
            },
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:MaxJobsActive=1", "Switchboard:Zeebe:PollInterval=00:01:00",
            "Switchboard:Zeebe:RequestTimeout=00:01:00");
        var type = gated.Type;
        await Eventually.WaitFor(() => server.Gateway.OpenStreams(type) > 0 && server.Gateway.Polls().Any(p => p.Type == type),
            because: "the worker opens its stream and its first long poll");

        // The worker runs what was pushed; what was given back can come only from polls, which must not wait for the
        // poll interval once the stream has nothing more.
        await FillTheStreamThenExpectAllCompletedAsync(server.Gateway, gated);
    }

    // The only slot is held by a streamed job, and the stream is filled until the gateway gives jobs back to polls; then
    // the slot is let go, and every job must complete.
    private static async Task FillTheStreamThenExpectAllCompletedAsync(TestGateway gateway, GatedJob gated)
    {
        var held = gateway.CreateJob(gated.Type, """{"hold":true}""");
        var more = new List<long>();
        while (gateway.Yielded < 5 && more.Count < 20_000)
            more.Add(gateway.CreateJob(gated.Type));
        more.Count(k => !gateway.Job(k).Streamed).Should().BeGreaterThanOrEqualTo(5, "the full stream was not pushed to");
        gated.Gate.SetResult();
        foreach (var key in more.Prepend(held))
            (await gateway.FinishedAsync(key, TimeSpan.FromSeconds(15))).State.Should().Be(JobState.Completed);
    }

    [Fact]
    public async Task Jobs_given_back_while_the_stream_was_held_back_are_polled_although_the_poller_was_pausing_between_polls()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        var gated = new GatedJob();
        // A clock that never moves: a pause between polls (the poll interval, or the backoff of up to 5 s after empty
        // polls while the stream delivers) ends only if something cuts it short.
        var frozen = new FakeTimeProvider();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, null, switchboard =>
            {
                switchboard.AddZeebe();
                switchboard.Services.AddSingleton<IHostJob>(gated);
                switchboard.Services.AddSingleton<TimeProvider>(frozen);
            },
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:MaxJobsActive=1", "Switchboard:Zeebe:RequestTimeout=00:00:00.050");
        var type = gated.Type;
        // The stream is open and the first long poll has come back empty: the poller is pausing.
        await Eventually.WaitFor(() => server.Gateway.OpenStreams(type) > 0 && server.Gateway.Polls().Any(p => p.Type == type)
                                       && server.Gateway.OpenActivations(type) == server.Gateway.OpenStreams(type),
            because: "the worker opens its stream and its first long poll ends empty");

        // What is given back can only come from a poll, and the pause before it never ends by itself.
        await FillTheStreamThenExpectAllCompletedAsync(server.Gateway, gated);
    }

    [Fact]
    public async Task A_poller_out_of_room_polls_again_as_soon_as_a_job_finishes_not_after_the_poll_interval()
    {
        await using var server = await TestGatewayServer.StartAsync();
        var keys = Enumerable.Range(1, 3).Select(i => server.Gateway.CreateJob("io.switchboard:calculator:1",
            $$"""{"action":"add","a":{{i}},"b":1}""", new() { ["resultVariable"] = "r" })).ToList();
        using var sandbox = Plugins();
        // One job at a time and an hour between polls: the second and third job can only come from polling on room.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:Streaming=false", "Switchboard:Zeebe:MaxJobsActive=1", "Switchboard:Zeebe:PollInterval=01:00:00",
            "Switchboard:Zeebe:RequestTimeout=00:00:01");

        foreach (var key in keys)
            (await server.Gateway.FinishedAsync(key)).State.Should().Be(JobState.Completed);
        server.Gateway.ActivateRequests.Should().OnlyContain(r => r.MaxJobsToActivate == 1, "the worker never asks for more than its room");
    }

    [Fact]
    public async Task While_the_stream_delivers_empty_polls_back_off_instead_of_repeating_every_poll_interval()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        // Polls that answer at once and a 5 ms poll interval: without the backoff the worker polls every few milliseconds.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.005", "Switchboard:Zeebe:RequestTimeout=00:00:00.001");
        const string type = "io.switchboard:calculator:1";
        // A poll under way may take a job before the stream does; the stream takes one of the next few.
        TestJob job;
        var created = 0;
        do
            job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob(type, """{"action":"add","a":2,"b":3}"""));
        while (!job.Streamed && ++created < 50);
        job.Streamed.Should().BeTrue("the open stream takes new jobs");
        var delivered = DateTime.UtcNow;

        // The poll under way when the stream delivered may come back at once; the ones after it wait 50 ms, then 1.6
        // times longer each (±10 %): the last of the gaps after the first is at least the fifth wait, 295 ms or more.
        // A stall of the loaded machine only lengthens a gap, so the last one is compared with a bound rather than with
        // the first (a stall made the first 1.1 s once, against a last of 0.85 s).
        List<DateTime> polls;
        while ((polls = server.Gateway.Polls().Where(p => p.Type == type && p.At > delivered).Select(p => p.At).ToList()).Count < 6
            && DateTime.UtcNow - delivered < TimeSpan.FromSeconds(20))
            await Task.Delay(20);

        polls.Should().HaveCountGreaterThanOrEqualTo(6, "polling goes on beside the stream, to backfill");
        var gaps = polls.Zip(polls.Skip(1), (earlier, later) => later - earlier).Skip(1).ToList();
        gaps.Should().OnlyContain(gap => gap >= TimeSpan.FromMilliseconds(40), "empty polls back off from 50 ms while the stream delivers");
        gaps.Last().Should().BeGreaterThan(TimeSpan.FromMilliseconds(200), "the backoff grows from 50 ms");
    }

    [Fact]
    public async Task Without_a_result_variable_the_job_completes_with_no_variables()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}"""));

        job.State.Should().Be(JobState.Completed);
        job.CompletedVariables.Should().BeEmpty();
    }

    [Fact]
    public async Task An_input_error_fails_the_job_without_retries()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        var divide = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"divide","a":1,"b":0}"""));
        var unbound = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"power","a":"x"}"""));

        divide.State.Should().Be(JobState.Incident, "retrying a division by zero cannot help");
        divide.Retries.Should().Be(0);
        divide.ErrorMessage.Should().Contain("divide by zero");
        divide.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("DivisionByZero");
        unbound.Retries.Should().Be(0);
        unbound.ErrorMessage.Should().Contain("action").And.Contain("a ").And.Contain("b ");
    }


    [Fact]
    public async Task Variables_nested_deeper_than_an_http_request_may_be_are_read_and_the_field_is_named()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        // Zeebe takes variables nested far deeper than the 64 levels the HTTP protocols allow a request by default.
        var deep = new string('[', 100) + "1" + new string(']', 100);
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1",
            $$"""{"action":"add","a":{{deep}},"b":2}"""));

        job.State.Should().Be(JobState.Incident);
        job.ErrorMessage.Should().Contain("a ").And.NotContain("not a JSON object");
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("InvalidParameters");
    }
    [Theory]
    [InlineData(1001, "nested deeper than 1000 levels")]
    [InlineData(0, "not a JSON object")]
    public async Task Variables_beyond_the_depth_this_host_reads_are_named_as_too_deep_not_as_no_object(int depth, string problem)
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        var variables = depth == 0 ? "[1,2]" : "{\"action\":\"add\",\"a\":" + new string('[', depth) + "1" + new string(']', depth) + ",\"b\":2}";
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", variables));

        job.State.Should().Be(JobState.Incident);
        job.ErrorMessage.Should().Contain(problem);
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("InvalidVariables");
    }

    [Fact]
    public async Task A_connector_error_spends_one_retry_with_the_headers_backoff_and_masks_the_secret()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins("ReloadProbe");
        await using var host = await HostAsync(sandbox, server.Address);

        var key = server.Gateway.CreateJob("test.switchboard:probe:1", """{"token":"tok-SECRET-99","code":"UpstreamBusy","retryable":true}""",
            new() { ["operation"] = "fail", ["retryBackoff"] = "PT2S" }, retries: 3);
        var job = await server.Gateway.FinishedAsync(key);

        job.State.Should().Be(JobState.Failed);
        job.Retries.Should().Be(2);
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(2));
        job.ErrorMessage.Should().Contain("upstream rejected token ***").And.NotContain("tok-SECRET-99");
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("UpstreamBusy");
    }

    [Fact]
    public async Task Secret_placeholders_are_filled_from_the_environment_and_masked_in_what_goes_back()
    {
        var prefix = "SBTEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "API_TOKEN", "tok-\"quoted\"-77");
        Environment.SetEnvironmentVariable(prefix + "OPERAND", "12345");
        try
        {
            await using var server = await TestGatewayServer.StartAsync();
            using var sandbox = Plugins("ReloadProbe");
            await using var host = await RunningHost.StartAsync(sandbox.Directory,
                [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:SecretPrefix=" + prefix]);

            var failed = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("test.switchboard:probe:1",
                """{"token":"{{secrets.API_TOKEN}}","code":"Rejected"}""", new() { ["operation"] = "fail" }));
            var added = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1",
                """{"action":"add","a":"secrets.OPERAND","b":1}""", new() { ["resultVariable"] = "sum" }));
            var unknown = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("test.switchboard:probe:1",
                """{"echo":"{{secrets.NOT_THERE}}"}""", new() { ["operation"] = "identify", ["resultVariable"] = "probe" }));
            // 12345 + 100000: the sum's digits hold the secret's. Masking rewrote the output's text, so the number became
            // JSON no reader takes and the job that had succeeded failed, retried into an incident.
            var holding = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1",
                """{"action":"add","a":"secrets.OPERAND","b":100000}""", new() { ["resultVariable"] = "sum" }));

            failed.ErrorMessage.Should().Be("upstream rejected token ***", "the value reached the connector and was masked on the way back");
            failed.FailVariables!.ToJsonString().Should().NotContain("quoted");
            added.CompletedVariables!["sum"]!["result"]!.GetValue<double>().Should().Be(12346);
            unknown.CompletedVariables!["probe"]!["echo"]!.GetValue<string>().Should().Be("{{secrets.NOT_THERE}}", "an unknown secret stays as written");
            holding.State.Should().Be(JobState.Completed, holding.ErrorMessage);
            holding.CompletedVariables!["sum"]!["result"]!.GetValue<double>().Should().Be(112345, "a number is masked only when it is the secret whole");
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "API_TOKEN", null);
            Environment.SetEnvironmentVariable(prefix + "OPERAND", null);
        }
    }

    [Fact]
    public async Task A_slow_connector_times_out_and_spends_a_retry()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins("ReloadProbe");
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Plugins:ReloadProbe:TimeoutSeconds=1"]);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("test.switchboard:probe:1", """{"milliseconds":5000}""",
            new() { ["operation"] = "wait", ["retryBackoff"] = "PT1S" }, retries: 3));

        job.State.Should().Be(JobState.Failed);
        job.Retries.Should().Be(2, "a timeout may pass on the next try");
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(1));
        job.ErrorMessage.Should().Contain("did not finish within 1 s");
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("Timeout");
    }

    [Fact]
    public async Task A_job_whose_plugin_code_blocks_is_failed_at_its_timeout_and_its_slot_goes_to_the_next_job()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        // One slot: the next job runs only once the blocked one has given its slot back. The blocked thread never
        // returns, so shutdown gives up on it after its timeout; 2 s keeps the test short.
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:MaxJobsActive=1", "shutdownTimeoutSeconds=2"]);

        // One retry: the timeout leaves none, so the blocked job is not handed out again to take the slot back.
        var blocked = server.Gateway.CreateJob("test.switchboard:hostile:1", "{}", new() { ["operation"] = "block" }, retries: 1);
        await Eventually.WaitFor(() => server.Gateway.Job(blocked).Activations > 0, because: "the blocking job is running");
        var ping = server.Gateway.CreateJob("test.switchboard:hostile:1", "{}", new() { ["operation"] = "ping", ["resultVariable"] = "answer" });

        var failed = await server.Gateway.FinishedAsync(blocked);
        var pinged = await server.Gateway.FinishedAsync(ping);

        failed.State.Should().Be(JobState.Incident, "its one retry is spent on the timeout");
        failed.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("Timeout");
        pinged.State.Should().Be(JobState.Completed, "the slot is free once the blocked job is reported, though its plugin code still holds its thread");
        pinged.CompletedVariables!["answer"]!["result"]!.GetValue<string>().Should().Be("pong");
    }

    [Fact]
    public async Task Retries_and_backoff_the_connector_asks_for_win_over_the_rule_and_the_header()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        sandbox.Add(Repository.TestPlugin("Faults"));
        await using var host = await HostAsync(sandbox, server.Address);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("test.switchboard:faults:1",
            """{"code":"RateLimited","retryable":true,"retries":7,"retryBackoffSeconds":30}""",
            new() { ["operation"] = "raise", ["retryBackoff"] = "PT2S" }, retries: 3));

        job.Retries.Should().Be(7);
        job.RetryBackoff.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task FetchAllVariables_asks_the_gateway_for_every_variable()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:FetchAllVariables=true", "Switchboard:Zeebe:Streaming=false"]);

        (await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":1}""")))
            .State.Should().Be(JobState.Completed);
        server.Gateway.ActivateRequests.Should().OnlyContain(r => r.FetchVariable.Count == 0);
    }

    [Fact]
    public async Task A_bad_retryBackoff_header_fails_the_job_without_retries_and_jobTimeout_extends_the_job_first()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        var bad = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}""",
            new() { ["retryBackoff"] = "soon" }));
        var extended = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}""",
            new() { ["jobTimeout"] = "PT10M" }));

        bad.Retries.Should().Be(0);
        bad.ErrorMessage.Should().Contain("retryBackoff");
        extended.State.Should().Be(JobState.Completed);
        extended.ExtendedTimeout.Should().Be(TimeSpan.FromMinutes(10));
    }

    [Theory]
    [InlineData("retryBackoff")]
    [InlineData("jobTimeout")]
    public async Task A_duration_header_longer_than_a_duration_can_be_fails_the_job_naming_the_header(string header)
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);

        // Well-formed, and past what a TimeSpan holds: the job was never reported, and ran again at each job timeout.
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}""",
            new() { [header] = "P99999999D" }));

        job.State.Should().Be(JobState.Incident);
        job.ErrorMessage.Should().Contain($"header {header} 'P99999999D' is longer than the longest duration");
    }

    [Fact]
    public async Task A_gateway_without_job_streams_is_polled_alone_said_once_per_job_type_and_the_worker_stays_connected()
    {
        // A gateway before Zeebe 8.3 answers every job stream UNIMPLEMENTED: before, each worker warned and reopened its
        // stream every few seconds for good, and the health flipped between connected and retrying with it.
        var gateway = new TestGateway { StreamRefusal = Grpc.Core.StatusCode.Unimplemented };
        await using var server = await TestGatewayServer.StartAsync(gateway);
        using var sandbox = Plugins();
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address]);

        var job = await gateway.FinishedAsync(gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}"""));
        await Eventually.WaitFor(() => log.ToString().Contains("io.switchboard:calculator:1 jobs via Zeebe are polled only"), because: "the worker says it polls only");
        var health = System.Text.Json.Nodes.JsonNode.Parse(await host.Http.GetStringAsync("/health"))!["zeebe"]!;

        job.State.Should().Be(JobState.Completed);
        var lines = log.ToString().Split('\n');
        lines.Count(l => l.Contains("does not offer job streaming") && l.Contains("io.switchboard:calculator:1")).Should().Be(1);
        lines.Should().NotContain(l => l.Contains("The job stream for io.switchboard:calculator:1"), "a stream the gateway cannot give is not retried");
        health["state"]!.GetValue<string>().Should().Be("connected", health.ToJsonString());
    }

    [Fact]
    public async Task A_job_larger_than_the_clients_message_limit_is_warned_about_naming_the_setting_and_taken_once_it_is_raised()
    {
        var gateway = new TestGateway();
        await using var server = await TestGatewayServer.StartAsync(gateway);
        using var sandbox = Plugins();
        // 5 MB in a variable the connector fetches: an answer holding it is over the official clients' 4 MiB.
        var key = gateway.CreateJob("io.switchboard:calculator:1", $$"""{"action":"add","a":"{{new string('x', 5_000_000)}}","b":1}""");

        var log = new SharedLog();
        // The refused answer's job stays activated for the first host until its (short) job timeout: then the second takes it.
        await using (await RunningHost.StartAsync(sandbox.Directory, log, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address,
                         "Switchboard:Zeebe:JobTimeout=00:00:01"]))
            await Eventually.WaitFor(() => log.ToString().Contains("Switchboard:Zeebe:MaxMessageSize"), because: "the refused answer is a warning, not backpressure");
        await using var raised = await RunningHost.StartAsync(sandbox.Directory, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:MaxMessageSize=8388608"]);
        var job = await gateway.FinishedAsync(key);

        log.ToString().Should().Contain("raise it to the cluster's maxMessageSize");
        job.State.Should().Be(JobState.Incident, "the job reached the connector, whose input it is not");
        job.ErrorMessage.Should().Contain("a must be");
    }

    [Fact]
    public async Task A_stream_failing_the_same_way_again_and_again_is_logged_once()
    {
        var gateway = new TestGateway { StreamRefusal = Grpc.Core.StatusCode.Unavailable };
        await using var server = await TestGatewayServer.StartAsync(gateway);
        using var sandbox = Plugins();
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address]);

        await Eventually.WaitFor(() => gateway.StreamAttempts("io.switchboard:calculator:1") >= 4, because: "the worker reopens its stream with a backoff");

        log.ToString().Split('\n').Count(l => l.Contains("The job stream for io.switchboard:calculator:1 via Zeebe failed")).Should().Be(1,
            "one warning says it; the reopenings after it, each failing the same way, say nothing new");
    }

    [Fact]
    public async Task Without_polling_a_stream_that_failed_and_opens_again_makes_the_worker_connected_again()
    {
        var gateway = new TestGateway { StreamRefusal = Grpc.Core.StatusCode.Unavailable };
        await using var server = await TestGatewayServer.StartAsync(gateway);
        using var sandbox = Plugins();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:Polling=false"]);
        async Task<System.Text.Json.Nodes.JsonNode> Zeebe() => System.Text.Json.Nodes.JsonNode.Parse(await host.Http.GetStringAsync("/health"))!["zeebe"]!;
        await Eventually.WaitFor(Zeebe, z => z["state"]!.GetValue<string>() == "retrying", because: "the streams are refused");

        gateway.StreamRefusal = null;
        var job = await gateway.FinishedAsync(await PushedAsync());

        job.State.Should().Be(JobState.Completed);
        // Before, only a successful poll cleared the last error: with polling off, the worker stayed retrying for good.
        await Eventually.WaitFor(Zeebe, z => z["state"]!.GetValue<string>() == "connected", because: "every stream is open again");

        async Task<long> PushedAsync()
        {
            await Eventually.WaitFor(() => gateway.OpenStreams("io.switchboard:calculator:1") == 1, because: "the stream opens again");
            return gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":2}""");
        }
    }

    [Fact]
    public async Task A_gateway_that_is_down_at_start_gets_its_backlog_done_once_it_is_up()
    {
        var port = LoopbackPort.Free();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, $"127.0.0.1:{port}");
        var retrying = await Eventually.WaitFor(async () => System.Text.Json.Nodes.JsonNode.Parse(await host.Http.GetStringAsync("/health"))!["zeebe"]!,
            z => z["state"]!.GetValue<string>() == "retrying", because: "the worker meets a refused connection and says so");
        retrying["lastError"]!.GetValue<string>().Should().StartWith("Unavailable");

        var gateway = new TestGateway();
        var keys = Enumerable.Range(1, 5).Select(i => gateway.CreateJob("io.switchboard:calculator:1", $$"""{"action":"add","a":{{i}},"b":1}""")).ToList();
        await using var server = await TestGatewayServer.StartAsync(gateway, port);

        foreach (var key in keys)
            (await gateway.FinishedAsync(key)).State.Should().Be(JobState.Completed);
        keys.Select(k => gateway.Job(k).Completions).Should().OnlyContain(c => c == 1, "no job is completed twice");
    }

    [Fact]
    public async Task A_gateway_killed_mid_run_loses_no_job_and_completes_none_twice()
    {
        var gateway = new TestGateway();
        var first = await TestGatewayServer.StartAsync(gateway);
        using var sandbox = Plugins("ReloadProbe");
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. FastPolling, "Switchboard:Zeebe:Address=" + first.Address, "Switchboard:Zeebe:JobTimeout=00:00:02"]);
        var keys = Enumerable.Range(1, 8).Select(_ => gateway.CreateJob("test.switchboard:probe:1", """{"milliseconds":400}""",
            new() { ["operation"] = "wait", ["resultVariable"] = "probe" })).ToList();
        await Eventually.WaitFor(() => keys.Any(k => gateway.Job(k).Activations > 0), because: "the worker took jobs before the crash");

        await first.KillAsync();
        await Task.Delay(1500); // results finishing now find no gateway; their retries run out
        await using var second = await TestGatewayServer.StartAsync(gateway, first.Port);

        foreach (var key in keys)
            (await gateway.FinishedAsync(key, TimeSpan.FromSeconds(30))).State.Should().Be(JobState.Completed, "a lost result is re-run after the job timeout");
        keys.Select(k => gateway.Job(k).Completions).Should().OnlyContain(c => c == 1, "no job is completed twice");
    }

    [Fact]
    public async Task Shutdown_lets_a_running_job_finish_and_report_and_plugins_shows_the_worker()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins("ReloadProbe");
        var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Plugins:ReloadProbe:TimeoutSeconds=120"]);
        // The job runs until the test releases it: a job of fixed length (4 s) once ended before a loaded machine's
        // /plugins answered. Beside the plugin's folder, not in it, where a new file would reload the plugin.
        var release = Path.Combine(sandbox.Directory, ".release-" + Guid.NewGuid().ToString("N")[..8]);
        var key = server.Gateway.CreateJob("test.switchboard:probe:1", $$"""{"releaseFile":{{System.Text.Json.JsonSerializer.Serialize(release)}}}""",
            new() { ["operation"] = "wait", ["resultVariable"] = "probe" });
        Task? stopping = null;
        try
        {
            await Eventually.WaitFor(() => server.Gateway.Job(key).Activations > 0, because: "the job is running");

            // The gateway counts the activation before the worker has taken the job in hand, so the count is waited for.
            var probe = await Eventually.WaitFor(async () =>
                System.Text.Json.Nodes.JsonNode.Parse(await host.Http.GetStringAsync("/plugins"))!.AsArray()
                    .Single(p => p!["name"]!.GetValue<string>() == "ReloadProbe")!["connectors"]![0]!["zeebe"]!,
                z => z["activeJobs"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(60), "the running job is counted");
            probe["jobType"]!.GetValue<string>().Should().Be("test.switchboard:probe:1");
            probe["worker"]!.GetValue<string>().Should().Be("polling");

            // Shutdown begins with the job still running; it ends only once the job has finished and reported.
            stopping = host.DisposeAsync().AsTask();
        }
        finally
        {
            File.WriteAllText(release, "go");
            await (stopping ?? host.DisposeAsync().AsTask());
        }

        server.Gateway.Job(key).State.Should().Be(JobState.Completed, "shutdown waits for the running job and sends its result");
        server.Gateway.Job(key).Completions.Should().Be(1);
    }

    [Fact]
    public async Task Backpressure_is_waited_out_and_the_jobs_still_run()
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.ExhaustedPolls = 4;
        using var sandbox = Plugins();
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:Streaming=false"]);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":1}"""));

        job.State.Should().Be(JobState.Completed);
        server.Gateway.ExhaustedPolls.Should().Be(0, "the worker kept polling through RESOURCE_EXHAUSTED");
    }

    [Fact]
    public async Task A_completion_refused_with_transient_codes_is_retried_until_the_gateway_takes_it()
    {
        await using var server = await TestGatewayServer.StartAsync();
        server.Gateway.RefusedCompletions = 3;
        using var sandbox = Plugins();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, [.. FastPolling, "Switchboard:Zeebe:Address=" + server.Address]);

        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":2,"b":2}"""));

        job.State.Should().Be(JobState.Completed);
        job.Completions.Should().Be(1);
        server.Gateway.CompletionAttempts.Should().Be(4, "UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED were each retried");
    }

    [Fact]
    public async Task A_connector_reloaded_while_jobs_stream_through_it_loses_none_and_new_jobs_reach_the_new_build()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins("ReloadProbe");
        await using var host = await HostAsync(sandbox, server.Address);
        var headers = new Dictionary<string, string> { ["operation"] = "wait", ["resultVariable"] = "probe" };
        var early = Enumerable.Range(0, 20).Select(_ => server.Gateway.CreateJob("test.switchboard:probe:1", """{"milliseconds":150}""", headers)).ToList();
        await Eventually.WaitFor(() => early.Count(k => server.Gateway.Job(k).State == JobState.Completed) >= 3, because: "jobs are flowing");

        PluginSandbox.Copy(Repository.TestPlugin("ReloadProbe.V2"), Path.Combine(sandbox.Directory, "ReloadProbe"));
        await Eventually.WaitFor(() => host.Catalog.Plugins.Single(p => p.Name == "ReloadProbe").Generation == 2, because: "the new build is loaded");
        var late = Enumerable.Range(0, 5).Select(_ => server.Gateway.CreateJob("test.switchboard:probe:1", """{"milliseconds":10}""", headers)).ToList();

        foreach (var key in early.Concat(late))
            (await server.Gateway.FinishedAsync(key)).State.Should().Be(JobState.Completed, "a reload neither fails nor drops a job");
        early.Concat(late).Select(k => server.Gateway.Job(k).Completions).Should().OnlyContain(c => c == 1);
        late.Select(k => server.Gateway.Job(k).CompletedVariables!["probe"]!["variant"]!.GetValue<string>()).Should().OnlyContain(v => v == "v2");
        early.Select(k => server.Gateway.Job(k).CompletedVariables!["probe"]!["variant"]!.GetValue<string>()).Should().Contain("v1");
    }

    [Fact]
    public async Task Workers_follow_the_catalog_a_dropped_in_plugin_gets_its_jobs_and_a_removed_one_stops()
    {
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = Plugins();
        await using var host = await HostAsync(sandbox, server.Address);
        var workers = host.Services.GetRequiredService<ZeebeWorkers>();
        workers.Workers.Select(w => w.Type).Should().BeEquivalentTo(["io.switchboard:calculator:1", "_activate_inbound_connector"],
            "besides the catalog's connectors, the host serves the inbound activation task itself");

        var folder = sandbox.Add(Repository.TestPlugin("ReloadProbe.V1"), "ReloadProbe");
        var job = await server.Gateway.FinishedAsync(server.Gateway.CreateJob("test.switchboard:probe:1", """{"echo":"hi"}""",
            new() { ["operation"] = "identify", ["resultVariable"] = "probe" }));
        job.CompletedVariables!["probe"]!["variant"]!.GetValue<string>().Should().Be("v1");

        Directory.Delete(folder, recursive: true);
        await Eventually.WaitFor(() => workers.Workers.All(w => w.Type != "test.switchboard:probe:1"), because: "the removed connector's worker closes");
        await Eventually.WaitFor(() => server.Gateway.OpenActivations("test.switchboard:probe:1") == 0, because: "the worker's polls and stream are closed");
        var asked = server.Gateway.ActivateRequests.Count(r => r.Type == "test.switchboard:probe:1") + server.Gateway.StreamRequests.Count(r => r.Type == "test.switchboard:probe:1");
        var orphan = server.Gateway.CreateJob("test.switchboard:probe:1", """{"echo":"late"}""", new() { ["operation"] = "identify" });
        // A job of the type still served finishing shows the worker side kept running meanwhile.
        await server.Gateway.FinishedAsync(server.Gateway.CreateJob("io.switchboard:calculator:1", """{"action":"add","a":1,"b":1}"""));
        server.Gateway.Job(orphan).State.Should().Be(JobState.Activatable, "nobody serves the type any more");
        (server.Gateway.ActivateRequests.Count(r => r.Type == "test.switchboard:probe:1") + server.Gateway.StreamRequests.Count(r => r.Type == "test.switchboard:probe:1"))
            .Should().Be(asked, "no poll or stream for the removed type was opened again");
    }

    [Fact]
    public async Task Without_a_gateway_address_the_adapter_stays_off_and_the_HTTP_protocols_serve()
    {
        using var sandbox = Plugins();
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var workers = host.Services.GetRequiredService<ZeebeWorkers>();
        workers.Address.Should().BeNull();
        workers.Workers.Should().BeEmpty();
        var health = System.Text.Json.Nodes.JsonNode.Parse(await host.Http.GetStringAsync("/health"))!;
        health["status"]!.GetValue<string>().Should().Be("healthy");
        health["zeebe"]!["state"]!.GetValue<string>().Should().Be("off");
        (await host.Http.PostAsync("/csp/connector", new StringContent(
            """{"jsonrpc":"2.0","id":1,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":1,"b":2}}}""", System.Text.Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("gateway:26500", "http://gateway:26500/")]
    [InlineData("gateway", "http://gateway:26500/")]
    [InlineData("https://cluster.example:443", "https://cluster.example/")]
    public void Addresses_are_read_as_Camunda_clients_read_them(string address, string expected)
    {
        ZeebeAddress.Resolve(new ZeebeOptions { Address = address })!.ToString().Should().Be(expected);
    }

    [Fact]
    public void An_address_with_a_path_is_refused_with_a_clear_message()
    {
        var resolve = () => ZeebeAddress.Resolve(new ZeebeOptions { Address = "http://gateway:26500/zeebe" });
        resolve.Should().Throw<InvalidOperationException>().WithMessage("*not a gateway address*");
    }
}
