using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;

namespace Switchboard.Tests.Pipeline;

/// <summary>A connector whose code blocks its thread for good: its callers get their timeout or Busy, everyone else keeps being served.</summary>
[Collection(nameof(BlockingConnectorTests))]
[CollectionDefinition(nameof(BlockingConnectorTests), DisableParallelization = true)]
public sealed class BlockingConnectorTests
{
    private const string Hostile = "test.switchboard:hostile:1";

    [Fact]
    public async Task Calls_past_a_connectors_concurrency_and_queue_limits_are_answered_Busy_and_the_rest_time_out()
    {
        var answers = await BlockAsync(64, "Plugins:Hostile:MaxConcurrentCalls=4", "Plugins:Hostile:MaxQueuedCalls=8");

        answers.Select(a => a.Code).Should().OnlyContain(c => c == "Busy" || c == "Timeout", string.Join("\n", answers.Select(a => a.Text)));
        answers.Count(a => a.Code == "Timeout").Should().BeGreaterThanOrEqualTo(12, "4 ran and 8 waited, each until its own timeout");
        answers.Count(a => a.Code == "Busy").Should().BeGreaterThan(0);
        answers.Where(a => a.Code == "Busy").Should().OnlyContain(a => a.Retryable, "Busy is worth retrying later");
    }

    // A call with a shorter timeout than the one holding the connector's only slot: its timeout passes while it waits.
    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task A_call_whose_timeout_passes_while_it_waits_for_a_slot_is_answered_Timeout(string isolation)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:Hostile:Isolation=" + isolation,
            "Plugins:Hostile:MaxConcurrentCalls=1", "Plugins:Hostile:MaxQueuedCalls=1", "shutdownTimeoutSeconds=2",
            "Switchboard:Catalog:Watch=false"); // the file "hang" drops into its folder would reload the plugin, with slots of its own
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        // "hang" (a 600 s timeout) takes the one slot and keeps it.
        _ = http.PostAsync(CspCall.Request(1, Hostile, new JsonObject(), "hang"));
        await Eventually.WaitFor(() => File.Exists(Path.Combine(sandbox.Directory, "Hostile", "hang-started")), because: "the hanging call runs");

        var queued = await Answered(http, CspCall.Request(2, Hostile, new JsonObject { ["note"] = "fine" }, "stuckInput"));
        var spiff = await SpiffCall.DoAsync(http, "hostile/StuckInput", """{"note":"fine"}""");

        queued.Code.Should().Be("Timeout", "the queued call's 2 s timeout passed while it waited: " + queued.Text);
        ((string?)spiff.Json["error"]?["error_code"]).Should().Be("Timeout", spiff.Text);
    }

    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task Sixty_four_calls_blocking_their_threads_all_get_their_timeout_answer_and_other_connectors_keep_serving(string isolation)
    {
        var answers = await BlockAsync(64, "Plugins:Hostile:Isolation=" + isolation);

        answers.Select(a => a.Code).Should().OnlyContain(c => c == "Timeout", "every caller gets the timeout error, none a reset connection:\n"
            + string.Join("\n", answers.Where(a => a.Code != "Timeout").Select(a => a.Text)));
    }

    [Fact]
    public async Task After_a_blocked_calls_timeout_answer_the_clients_next_call_on_one_connection_is_answered()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "shutdownTimeoutSeconds=2");
        // One connection, as a client whose pool has one free: each next call goes where the blocked one went.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };

        var blocked = await Answered(http, CspCall.Request(1, Hostile, new JsonObject(), "block"));
        var sum = await http.PostAsync(CspCall.Request(2, "io.switchboard:calculator:1", CspCall.Add(2, 3)));
        var spiffBlocked = await SpiffCall.DoAsync(http, "hostile/Block", "{}");
        var spiffSum = await SpiffCall.DoAsync(http, "calculator/Calculate", """{"action":"add","a":2,"b":3}""");

        blocked.Code.Should().Be("Timeout", blocked.Text);
        sum.Result!["output"]!["result"]!.GetValue<double>().Should().Be(5, "the connection the blocked call held is not reused while its plugin code runs");
        spiffBlocked.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Timeout", spiffBlocked.Text);
        spiffSum.Json["command_response"]!["body"]!["result"]!.GetValue<double>().Should().Be(5, spiffSum.Text);
    }

    [Theory]
    [InlineData("inprocess")]
    [InlineData("process")]
    public async Task An_input_whose_binding_blocks_gets_its_timeout_answer_over_CSP_Spiff_and_an_asynchronous_call(string isolation)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Plugins:Hostile:Isolation=" + isolation, "shutdownTimeoutSeconds=2");
        await using var listener = await Csp.CallbackListener.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        var stuck = new JsonObject { ["note"] = "block" };

        // Binding runs plugin code (a setter here) and ran before the call's timeout was set: these waited for good.
        var csp = await Answered(http, CspCall.Request(1, Hostile, stuck, "stuckInput"));
        var spiff = await SpiffCall.DoAsync(http, "hostile/StuckInput", """{"note":"block"}""");
        var later = await Answered(http, CspCall.Request(2, Hostile, stuck.DeepClone().AsObject(), "stuckInput", callbackUrl: listener.Url.ToString()));
        var sum = await http.PostAsync(CspCall.Request(3, "io.switchboard:calculator:1", CspCall.Add(2, 3)));

        csp.Code.Should().Be("Timeout", csp.Text);
        spiff.Json["error"]!["error_code"]!.GetValue<string>().Should().Be("Timeout", spiff.Text);
        later.Code.Should().Be("Timeout", "an asynchronous call is answered when its binding is still stuck at the timeout: " + later.Text);
        new[] { csp.Elapsed, later.Elapsed }.Should().OnlyContain(e => e < TimeSpan.FromSeconds(2 + 15), "a 2 s timeout is answered near 2 s");
        sum.Result!["output"]!["result"]!.GetValue<double>().Should().Be(5);
    }

    [Fact]
    public async Task An_output_of_a_new_type_is_written_without_running_its_constructor_and_the_next_new_type_does_not_wait()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "shutdownTimeoutSeconds=2");
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };

        // Writing an output of a type first met at a call made a new instance of it (for the defaults listings show),
        // under a lock every call meeting a new type takes: the first call waited out its timeout, the next one too.
        var stuck = await http.PostAsync(CspCall.Request(1, Hostile, new JsonObject(), "newOutput"));
        var other = await http.PostAsync(CspCall.Request(2, Hostile, new JsonObject(), "otherOutput"));

        ((string?)stuck.Result?["output"]?["result"]).Should().Be("new", stuck.Text);
        ((string?)other.Result?["output"]?["result"]).Should().Be("other", other.Text);
    }

    private sealed record Answer(string Code, bool Retryable, string Text, TimeSpan Elapsed);

    /// <summary>Sends <paramref name="count"/> concurrent calls to the blocking operation, and Calculator calls meanwhile that must all succeed.</summary>
    private static async Task<List<Answer>> BlockAsync(int count, params string[] settings)
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Hostile"));
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        // The blocked calls never end, so shutdown gives up on them after its timeout; 2 s keeps the test short.
        await using var host = await RunningHost.StartAsync(sandbox.Directory, [.. settings, "shutdownTimeoutSeconds=2"]);
        using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(3) };

        var blocked = Enumerable.Range(0, count).Select(i => Answered(http, CspCall.Request(i, Hostile, new JsonObject(), "block"))).ToList();
        var started = Stopwatch.GetTimestamp();
        var sums = new List<CspAnswer>();
        for (var i = 0; i < 5; i++)
            sums.Add(await http.PostAsync(CspCall.Request(1000 + i, "io.switchboard:calculator:1", CspCall.Add(i, 1))));

        var summed = Stopwatch.GetElapsedTime(started);
        sums.Should().OnlyContain(s => s.Error == null, "Calculator keeps serving beside the blocked connector: " + string.Join("\n", sums.Select(s => s.Text)));
        var answers = (await Task.WhenAll(blocked)).ToList();
        // Not a benchmark: a bound ten times what this takes here, far below what a starved thread pool takes (20 s to a minute).
        answers.Should().OnlyContain(a => a.Elapsed < TimeSpan.FromSeconds(3 + 15), "a 3 s timeout is answered near 3 s, not when the thread pool recovers");
        summed.Should().BeLessThan(TimeSpan.FromSeconds(15), "Calculator's answers do not wait for the blocked connector");
        return answers;
    }

    private static async Task<Answer> Answered(HttpClient http, JsonObject request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var answer = await http.PostAsync(request);
            return new Answer(answer.ErrorData?["errorCode"]?.GetValue<string>() ?? "(no error)", answer.ErrorData?["retryable"]?.GetValue<bool>() ?? false,
                answer.Text, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            return new Answer("(transport)", false, $"{e.GetType().Name}: {e.Message}", Stopwatch.GetElapsedTime(started));
        }
    }
}
