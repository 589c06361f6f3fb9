using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Pipeline;

/// <summary>Attack round fourteen (B): an in-process connector that spends what the whole process shares, and what its
/// neighbours' callers see meanwhile.</summary>
[Collection(nameof(NoisyNeighbourTests))]
[CollectionDefinition(nameof(NoisyNeighbourTests), DisableParallelization = true)]
public sealed class NoisyNeighbourTests
{
    private const string Neighbour = "test.switchboard:neighbour:1";
    private const string Hostile = "test.switchboard:hostile:1";

    /// <summary>The README promises that plugin code blocking its thread holds at most MaxConcurrentCalls threads and that
    /// the host gives the pool a thread back for each one blocked past 100 ms, "so timeouts are answered on time and other
    /// connectors keep serving" (BlockingConnectorTests proves it for code that blocks before its first await). The
    /// compensator only marks the synchronous stretch up to the connector's first await: code that awaits once and then
    /// blocks (sync-over-async after an await, a synchronous socket read in an async method) blocks 64 pool threads the
    /// host never counts, and the pool grows by about one thread each half second.</summary>
    [Fact]
    public async Task Sixty_four_calls_that_block_after_their_first_await_get_their_timeout_on_time_and_Calculator_keeps_serving()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Neighbour"));
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "shutdownTimeoutSeconds=2");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
        // Warm: both plugins answer before the flood.
        (await http.PostAsync(CspCall.Request(0, Neighbour, new JsonObject(), "ping"))).Result!["output"]!["result"]!.GetValue<string>().Should().Be("pong");

        var blocked = Enumerable.Range(0, 64).Select(i => Answered(http, CspCall.Request(i, Neighbour, new JsonObject(), "blockAfterAwait"))).ToList();
        var started = Stopwatch.GetTimestamp();
        var sums = new List<CspAnswer>();
        for (var i = 0; i < 5; i++)
            sums.Add(await http.PostAsync(CspCall.Request(1000 + i, CspCall.Calculator, CspCall.Add(i, 1))));
        var summed = Stopwatch.GetElapsedTime(started);
        var answers = await Task.WhenAll(blocked);

        sums.Should().OnlyContain(s => s.Error == null, string.Join("\n", sums.Select(s => s.Text)));
        answers.Select(a => a.Code).Should().OnlyContain(c => c == "Timeout", string.Join("\n", answers.Where(a => a.Code != "Timeout").Select(a => a.Text)));
        // The same generous bounds as BlockingConnectorTests: ten times what a compensated pool takes, far below a starved one.
        answers.Max(a => a.Elapsed).Should().BeLessThan(TimeSpan.FromSeconds(3 + 15), "a 3 s timeout is answered near 3 s, not when the thread pool recovers");
        summed.Should().BeLessThan(TimeSpan.FromSeconds(15), "Calculator's answers do not wait for the blocked connector");
    }

    /// <summary>A connector that sets the process's default culture (a library initialising itself for its user's
    /// locale) changes the host's own answers to every other connector's callers: the host formats the numbers in its
    /// error messages with the current culture (ConnectorFailure.Timeout's "{timeout.TotalSeconds:0.###}", and the
    /// same pattern in the catalog's, the inbound adapters' and FEEL's messages), so Hostile's timeout of 2.5 s is
    /// reported "within 2,5 s".</summary>
    [Fact]
    public async Task A_connector_setting_the_default_culture_does_not_change_the_numbers_in_the_hosts_answers_to_another_connector()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Neighbour"));
        sandbox.Add(Repository.TestPlugin("Hostile"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:Hostile:TimeoutSeconds=2.5", "shutdownTimeoutSeconds=2");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            var before = await http.PostAsync(CspCall.Request(1, Hostile, new JsonObject(), "block"));
            var set = await http.PostAsync(CspCall.Request(2, Neighbour, new JsonObject(), "setCulture"));
            var after = await http.PostAsync(CspCall.Request(3, Hostile, new JsonObject(), "block"));

            ((string?)set.Result?["output"]?["result"]).Should().Be("set", set.Text);
            ((string?)before.ErrorData?["errorMessage"]).Should().Contain("within 2.5 s", before.Text);
            ((string?)after.ErrorData?["errorMessage"]).Should().Be((string?)before.ErrorData?["errorMessage"],
                "another connector's setting of the process's default culture must not change the host's answer: " + after.Text);
        }
        finally
        {
            CultureInfo.DefaultThreadCurrentCulture = null;
            CultureInfo.DefaultThreadCurrentUICulture = null;
        }
    }

    /// <summary>The host logs through Serilog's console sink, which writes every line to whatever <c>Console.Out</c> is at
    /// that moment, synchronously, on the thread that logs. <c>Console.Out</c> is the process's one synchronized writer,
    /// which any plugin can replace (<c>Console.SetOut</c>) or hold (<c>lock (Console.Out)</c>, which is what its own
    /// synchronized methods lock): a neighbour holding it leaves every call that the host logs (here Calculator's
    /// refusal of a missing <c>b</c>, an Information line) unanswered for as long as it holds it.</summary>
    [Fact]
    public async Task A_connector_holding_the_console_writer_does_not_stop_the_host_answering_another_connectors_call_it_logs()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Neighbour"));
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        // No log writer of the test's: the host logs to the console, as it does when run; at the default level, Information.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Log:Level=Information", "shutdownTimeoutSeconds=2");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var held = await http.PostAsync(CspCall.Request(1, Neighbour, new JsonObject(), "holdConsole"));
            ((string?)held.Result?["output"]?["result"]).Should().Be("held", held.Text);

            var refused = await Answered(http, CspCall.Request(2, CspCall.Calculator, new JsonObject { ["action"] = "add", ["a"] = 1 }));

            refused.Code.Should().NotBe("(transport)", "Calculator's answer does not wait for the console another plugin holds: " + refused.Text);
            refused.Text.Should().Contain("\"b\"", "the missing field is named");
        }
        finally
        {
            using var release = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
            await release.PostAsync(CspCall.Request(3, Neighbour, new JsonObject(), "releaseConsole"));
        }
    }

    /// <summary>The README: "plugin code that blocks its thread holds at most its connector's MaxConcurrentCalls
    /// threads", and the plugin code that binds a call's input "counts as the call's". A call with a callback (CSP's
    /// callbackUrl, Spiff's too) is bound and validated before it is accepted (InvocationPipeline.PrepareAsync), on a pool
    /// thread of its own, without taking a slot of the connector's concurrency limit: each such call whose input's setter
    /// blocks holds one more thread, however low the limit, and none is answered Busy. Isolated, the worker's
    /// <c>validate</c> does the same in the worker.</summary>
    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task Calls_with_a_callback_whose_binding_blocks_hold_no_more_threads_than_the_connectors_concurrency_limit(string isolation)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Neighbour"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:Neighbour:Isolation=" + isolation,
            "Plugins:Neighbour:MaxConcurrentCalls=2", "Plugins:Neighbour:MaxQueuedCalls=0", "shutdownTimeoutSeconds=2");
        await using var listener = await Csp.CallbackListener.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            var calls = Enumerable.Range(0, 16).Select(i => Answered(http,
                CspCall.Request(i, Neighbour, new JsonObject { ["note"] = "block" }, "stuckSetter", callbackUrl: listener.Url.ToString()))).ToList();
            var answers = await Task.WhenAll(calls);
            var blocked = await http.PostAsync(CspCall.Request(100, "test.switchboard:neighbour-probe:1", new JsonObject(), "blockedSetters"));

            var most = (int?)blocked.Result?["output"]?["mostBlocked"];
            most.Should().NotBeNull(blocked.Text);
            most.Should().BeLessThanOrEqualTo(2, "a connector limited to 2 concurrent calls holds at most 2 threads with its plugin code, binding included; answers: "
                + string.Join(", ", answers.GroupBy(a => a.Code).Select(g => $"{g.Count()}x {g.Key}")));
            answers.Count(a => a.Code == "Busy").Should().BeGreaterThan(0, "calls past the limit are answered Busy at once");
        }
        finally
        {
            await http.PostAsync(CspCall.Request(101, "test.switchboard:neighbour-probe:1", new JsonObject(), "releaseSetters"));
        }
    }

    /// <summary>A connector's concurrency limit holds across protocols, and a Zeebe job past it is answered Busy (the
    /// host's own backpressure, "retryable": try again later). The Zeebe adapter fails such a job as a connector failure:
    /// one retry spent, with the header's backoff (none by default), so callers over CSP that hold the connector's slots
    /// for a moment turn a process's job with its last retry into an incident, though the job never ran. The worker
    /// activated it (up to MaxJobsActive, 32, whatever the connector's limit) and then refused to run it.</summary>
    [Fact]
    public async Task A_Zeebe_job_refused_Busy_because_CSP_callers_hold_the_connectors_slots_keeps_its_retries()
    {
        await using var server = await Switchboard.ZeebeTestGateway.TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Neighbour"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050", "Switchboard:Zeebe:RequestTimeout=00:00:01",
            "Plugins:Neighbour:MaxConcurrentCalls=1", "Plugins:Neighbour:MaxQueuedCalls=0", "shutdownTimeoutSeconds=2");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
        const string Probe = "test.switchboard:neighbour-probe:1";
        var holding = http.PostAsync(CspCall.Request(1, Neighbour, new JsonObject(), "hold"));
        try
        {
            await Eventually.WaitFor(async () => (string?)(await http.PostAsync(CspCall.Request(2, Probe, new JsonObject(), "holding"))).Result?["output"]?["result"],
                n => n == "1", because: "the CSP call holds the connector's one slot");

            var key = server.Gateway.CreateJob(Neighbour, "{}", new() { ["operation"] = "ping" }, retries: 1);
            var job = await server.Gateway.FinishedAsync(key);

            var shown = $"state {job.State}, retries {job.Retries}, backoff {job.RetryBackoff}, message: {job.ErrorMessage}";
            job.State.Should().NotBe(Switchboard.ZeebeTestGateway.JobState.Incident,
                "a job the host refused to run because its connector was busy with other callers is no incident: " + shown);
            job.Retries.Should().Be(1, "such a job is not charged a retry: " + shown);
        }
        finally
        {
            await http.PostAsync(CspCall.Request(3, Probe, new JsonObject(), "releaseHold"));
            await holding;
        }
    }

    private sealed record Answer(string Code, string Text, TimeSpan Elapsed);

    private static async Task<Answer> Answered(HttpClient http, JsonObject request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var answer = await http.PostAsync(request);
            return new Answer(answer.ErrorData?["errorCode"]?.GetValue<string>() ?? "(no error)", answer.Text, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            return new Answer("(transport)", $"{e.GetType().Name}: {e.Message}", Stopwatch.GetElapsedTime(started));
        }
    }
}
