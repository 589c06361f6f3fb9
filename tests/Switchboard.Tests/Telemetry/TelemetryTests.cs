using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Tests.Csp;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Spiff;
using OpenTelemetry.Trace;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Telemetry;

/// <summary>Alone, not beside other tests: the host's meter and activity source are the process's, so counts and spans
/// are exact only while no other host serves calls.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>Calls over each protocol are counted and timed at <c>/metrics</c>, and each has a span parented on the
/// incoming request's <c>traceparent</c>.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    private const string Calculator = "io.switchboard:calculator:1";

    [Fact]
    public async Task Metrics_count_and_time_calls_by_connector_protocol_and_outcome()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        await host.Http.PostAsync(CspCall.Request(1, Calculator, CspCall.Add(5, 3)));
        await host.Http.PostAsync(CspCall.Request(2, Calculator, CspCall.Add(1, 1)));
        await host.Http.PostAsync(CspCall.Request(3, Calculator, new JsonObject { ["action"] = "add" }));
        await host.Http.PostAsync(CspCall.Request(4, "io.example:invented-" + Guid.NewGuid().ToString("N") + ":1", new JsonObject()));
        await SpiffCall.DoAsync(host.Http, "calculator/Calculate", """{"action":"add","a":2,"b":2}""");

        var scrape = await host.Http.GetStringAsync("/metrics");
        var lines = scrape.Split('\n');

        Value(lines, "switchboard_calls_total{", "connector=\"io.switchboard:calculator:1\"", "protocol=\"Csp\"", "outcome=\"success\"").Should().Be(2, scrape);
        Value(lines, "switchboard_calls_total{", "connector=\"io.switchboard:calculator:1\"", "protocol=\"Csp\"", "outcome=\"error\"", "error_code=\"InvalidParameters\"")
            .Should().Be(1, scrape);
        Value(lines, "switchboard_calls_total{", "connector=\"io.switchboard:calculator:1\"", "protocol=\"Spiff\"", "outcome=\"success\"").Should().Be(1, scrape);
        Value(lines, "switchboard_calls_total{", "connector=\"(unknown)\"", "error_code=\"ConnectorNotFound\"").Should().Be(1, scrape);
        scrape.Should().NotContain("invented-", "a name nobody loaded does not become a series of its own");
        Value(lines, "switchboard_call_duration_seconds_count{", "connector=\"io.switchboard:calculator:1\"", "protocol=\"Csp\"", "outcome=\"success\"")
            .Should().Be(2, scrape);
        lines.Should().Contain(l => l.StartsWith("switchboard_call_duration_seconds_bucket{", StringComparison.Ordinal) && l.Contains("le=\"0.0005\""),
            "buckets fit calls measured in seconds, from half a millisecond on");
        Value(lines, "switchboard_calls_in_flight{", "connector=\"io.switchboard:calculator:1\"", "protocol=\"Csp\"").Should().Be(0, scrape);
    }

    [Fact]
    public async Task A_running_call_is_counted_in_flight_until_its_caller_gives_up()
    {
        using var sandbox = new PluginSandbox();
        var folder = sandbox.Add(Repository.TestPlugin("Hostile"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        string[] labels = ["connector=\"test.switchboard:hostile:1\"", "protocol=\"Csp\""];
        // The meter is the test process's, shared by every host a test started: a call another test's host left running
        // in plugin code when it was disposed stays counted (the clean-clone CI once read 2 here), so counts are relative.
        var before = TryValue((await host.Http.GetStringAsync("/metrics")).Split('\n'), "switchboard_calls_in_flight{", labels) ?? 0;
        using var giveUp = new CancellationTokenSource();
        var hanging = host.Http.PostAsync("/csp/connector", new StringContent(
            CspCall.Request(1, "test.switchboard:hostile:1", new JsonObject(), "hang").ToJsonString(), System.Text.Encoding.UTF8, "application/json"), giveUp.Token);
        await Eventually.WaitFor(() => File.Exists(Path.Combine(folder, "hang-started")), because: "the call is running");

        // Scrapes are cached for a moment, so the count is waited for rather than read once.
        await Eventually.WaitFor(async () => TryValue((await host.Http.GetStringAsync("/metrics")).Split('\n'), "switchboard_calls_in_flight{", labels),
            inFlight => inFlight == before + 1, because: "the running call is counted in flight");

        await giveUp.CancelAsync();
        await Eventually.WaitFor(async () => TryValue((await host.Http.GetStringAsync("/metrics")).Split('\n'), "switchboard_calls_in_flight{", labels),
            inFlight => inFlight == before, because: "a call whose caller hung up is no longer waited for, even though its plugin code never ends");
        _ = hanging.ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task Zeebe_jobs_are_counted_as_activated_and_reported_with_their_outcome_and_timed()
    {
        var spans = new List<Activity>();
        using var tracing = CaptureSpans(spans);
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050");

        var done = server.Gateway.CreateJob(Calculator, """{"action":"add","a":1,"b":2}""", new() { ["resultVariable"] = "r" });
        var failed = server.Gateway.CreateJob(Calculator, """{"action":"divide","a":1,"b":0}""");
        (await server.Gateway.FinishedAsync(done)).State.Should().Be(JobState.Completed);
        (await server.Gateway.FinishedAsync(failed)).State.Should().Be(JobState.Incident, "an input error fails the job with no retries left");

        // The gateway sees a report before the worker has counted it (the count follows the gateway's answer): wait
        // until both jobs are counted as timed, which happens last.
        var scrape = await Eventually.WaitFor(() => host.Http.GetStringAsync("/metrics"),
            text => TryValue(text.Split('\n'), "switchboard_zeebe_job_duration_seconds_count{", "connector=\"io.switchboard:calculator:1\"") == 2);
        var lines = scrape.Split('\n');
        Value(lines, "switchboard_zeebe_jobs_activated_total{", "connector=\"io.switchboard:calculator:1\"").Should().Be(2, scrape);
        Value(lines, "switchboard_zeebe_jobs_total{", "connector=\"io.switchboard:calculator:1\"", "outcome=\"completed\"").Should().Be(1, scrape);
        Value(lines, "switchboard_zeebe_jobs_total{", "connector=\"io.switchboard:calculator:1\"", "outcome=\"failed\"").Should().Be(1, scrape);
        Value(lines, "switchboard_zeebe_job_duration_seconds_count{", "connector=\"io.switchboard:calculator:1\"").Should().Be(2, scrape);
        Value(lines, "switchboard_calls_total{", "protocol=\"Zeebe\"", "outcome=\"success\"").Should().Be(1, scrape);

        // Each job's span carries its job key and process instance key.
        List<Activity> jobSpans;
        lock (spans)
            jobSpans = spans.Where(s => Equals(s.GetTagItem("switchboard.protocol"), "Zeebe")).ToList();
        jobSpans.Select(s => s.GetTagItem("zeebe.job.key")).Should().BeEquivalentTo(new object[] { done, failed });
        jobSpans.Should().OnlyContain(s => s.GetTagItem("zeebe.process_instance.key") != null);
        jobSpans.Single(s => Equals(s.GetTagItem("zeebe.job.key"), failed)).Status.Should().Be(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task A_calls_span_is_parented_on_the_requests_traceparent_and_names_its_plugin_and_outcome()
    {
        var spans = new List<Activity>();
        using var tracing = CaptureSpans(spans);
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        var trace = ActivityTraceId.CreateRandom();
        var parent = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/csp/connector")
        {
            Content = new StringContent(CspCall.Request(1, Calculator, CspCall.Add(5, 3)).ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{parent}-01");
        using var response = await host.Http.SendAsync(request);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"result\":8");

        // The request's span ends after its answer is sent: wait for both.
        var ended = await Eventually.WaitFor(() => Task.FromResult(Spans(spans, trace)),
            s => s.Any(a => a.Source.Name == "Switchboard") && s.Any(a => a.Source.Name == "Microsoft.AspNetCore"));
        var call = ended.Single(s => s.Source.Name == "Switchboard");
        var incoming = ended.Single(s => s.Source.Name == "Microsoft.AspNetCore");
        incoming.ParentSpanId.Should().Be(parent, "the request's span continues the caller's trace");
        call.ParentSpanId.Should().Be(incoming.SpanId, "the call's span sits under the request's");
        call.DisplayName.Should().Be("io.switchboard:calculator:1 (only)");
        call.GetTagItem("switchboard.protocol").Should().Be("Csp");
        call.GetTagItem("switchboard.plugin").Should().Be("Calculator");
        call.GetTagItem("switchboard.generation").Should().Be(1);
        call.GetTagItem("switchboard.outcome").Should().Be("success");
        call.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task Plugin_loads_failed_loads_reloads_generations_and_unloads_are_measured()
    {
        using var sandbox = new PluginSandbox();
        var calculator = sandbox.Add(Repository.ShippedPlugin("Calculator"));
        var corrupt = Path.Combine(sandbox.Directory, "Corrupt");
        Directory.CreateDirectory(corrupt);
        await File.WriteAllTextAsync(Path.Combine(corrupt, "Corrupt.dll"), "this is not a portable executable");
        await using var host = await RunningHost.StartAsync(sandbox.Directory);

        var lines = (await host.Http.GetStringAsync("/metrics")).Split('\n');
        Value(lines, "switchboard_plugin_loads_total{", "plugin=\"Calculator\"", "outcome=\"loaded\"", "reload=\"false\"").Should().Be(1);
        Value(lines, "switchboard_plugin_loads_total{", "plugin=\"Corrupt\"", "outcome=\"failed\"", "reload=\"false\"").Should().Be(1);
        Value(lines, "switchboard_plugin_generations{", "plugin=\"Calculator\"").Should().Be(1);

        // A reload: generation 2 serves, generation 1 drains and unloads.
        File.SetLastWriteTimeUtc(Path.Combine(calculator, "Calculator.dll"), DateTime.UtcNow);
        await File.AppendAllTextAsync(Path.Combine(calculator, "reload.txt"), "touch");
        await Eventually.WaitFor(() => host.Catalog.Plugins.Single(p => p.Name == "Calculator") is { Generation: 2 } p
            && p.PreviousGenerations.All(g => g.State == Switchboard.Host.Catalog.PluginState.Unloaded), TimeSpan.FromSeconds(60));
        var scrape = await Eventually.WaitFor(() => host.Http.GetStringAsync("/metrics"),
            text => TryValue(text.Split('\n'), "switchboard_plugin_unload_duration_seconds_count{", "plugin=\"Calculator\"", "outcome=\"unloaded\"") == 1);
        lines = scrape.Split('\n');
        Value(lines, "switchboard_plugin_loads_total{", "plugin=\"Calculator\"", "outcome=\"loaded\"", "reload=\"true\"").Should().Be(1, scrape);
        Value(lines, "switchboard_plugin_generations{", "plugin=\"Calculator\"").Should().Be(1, "one generation is left in memory: " + scrape);
        TryValue(lines, "switchboard_plugin_generations_leaked_total{", "plugin=\"Calculator\"").Should().BeNull(scrape);
    }

    [Fact]
    public async Task A_generation_still_referenced_after_its_unload_is_counted_as_leaked_and_stays_in_memory()
    {
        using var sandbox = new PluginSandbox();
        var folder = sandbox.Add(Repository.TestPlugin("Leaky"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:UnloadTimeout=00:00:01");

        Directory.Delete(folder, recursive: true);

        var scrape = await Eventually.WaitFor(() => host.Http.GetStringAsync("/metrics"),
            text => TryValue(text.Split('\n'), "switchboard_plugin_generations_leaked_total{", "plugin=\"Leaky\"") == 1, TimeSpan.FromSeconds(60));
        var lines = scrape.Split('\n');
        Value(lines, "switchboard_plugin_generations{", "plugin=\"Leaky\"").Should().Be(1, "a leaked generation is still in memory: " + scrape);
        Value(lines, "switchboard_plugin_unload_duration_seconds_count{", "plugin=\"Leaky\"", "outcome=\"leaked\"").Should().Be(1, scrape);
    }

    [Fact]
    public async Task The_runtimes_own_metrics_are_exported_beside_ours()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        // The host runs in this process: a collection here is one the host's runtime made.
        GC.Collect();

        var lines = (await host.Http.GetStringAsync("/metrics")).Split('\n');

        TryValue(lines, "dotnet_gc_collections_total{", "gc_heap_generation=\"gen2\"").Should().BeGreaterThan(0, string.Join("\n", lines.Where(l => l.StartsWith("dotnet_"))));
        lines.Should().Contain(l => l.StartsWith("dotnet_gc_pause_time_seconds_total"))
            .And.Contain(l => l.StartsWith("dotnet_thread_pool_queue_length"));
    }

    [Fact]
    public async Task Callbacks_and_the_Zeebe_workers_state_are_exported_too()
    {
        await using var server = await TestGatewayServer.StartAsync();
        await using var listener = await Csp.CallbackListener.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address, "Switchboard:Zeebe:PollInterval=00:00:00.050");

        (await host.Http.PostAsync(CspCall.Request(1, Calculator, CspCall.Add(5, 3), callbackUrl: listener.Url.ToString()))).Status
            .Should().Be(System.Net.HttpStatusCode.Accepted);
        await listener.NextAsync();

        var scrape = await Eventually.WaitFor(() => host.Http.GetStringAsync("/metrics"),
            text => TryValue(text.Split('\n'), "switchboard_csp_callbacks_delivered_total") == 1
                && TryValue(text.Split('\n'), "switchboard_zeebe_workers{", "connector=\"io.switchboard:calculator:1\"", "state=\"polling\"") == 1);
        var lines = scrape.Split('\n');
        Value(lines, "switchboard_csp_async_calls_pending").Should().Be(0, scrape);
        TryValue(lines, "switchboard_csp_callbacks_lost_total").Should().BeNull(scrape);
    }

    [Fact]
    public async Task Inbound_events_are_counted_by_activation_and_outcome_and_a_webhooks_span_continues_its_trace()
    {
        var spans = new List<Activity>();
        using var tracing = CaptureSpans(spans);
        await using var server = await TestGatewayServer.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Webhook"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Zeebe:Address=" + server.Address,
            "Switchboard:Inbound:Activations:orders:inbound.type=io.camunda:webhook:1",
            "Switchboard:Inbound:Activations:orders:messageName=order",
            "Switchboard:Inbound:Activations:orders:correlationKeyExpression==request.body.id",
            "Switchboard:Inbound:Activations:orders:activationCondition==request.body.id != null");

        var trace = ActivityTraceId.CreateRandom();
        using var correlated = new HttpRequestMessage(HttpMethod.Post, "/inbound/orders")
        {
            Content = new StringContent("""{"id":"o-1"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        var parent = ActivitySpanId.CreateRandom();
        correlated.Headers.Add("traceparent", $"00-{trace}-{parent}-01");
        (await host.Http.SendAsync(correlated)).IsSuccessStatusCode.Should().BeTrue();
        (await host.Http.PostAsync("/inbound/orders", new StringContent("""{"other":1}""", System.Text.Encoding.UTF8, "application/json"))).IsSuccessStatusCode
            .Should().BeFalse("the activation condition does not hold");

        var lines = (await host.Http.GetStringAsync("/metrics")).Split('\n');
        Value(lines, "switchboard_inbound_events_total{", "activation=\"orders\"", "connector=\"io.camunda:webhook:1\"", "outcome=\"correlated\"").Should().Be(1);
        Value(lines, "switchboard_inbound_events_total{", "activation=\"orders\"", "outcome=\"refused\"").Should().Be(1);

        // The gateway's own request span (the publish, in this process) is in the same trace: the webhook's is the one under the caller's.
        var ended = await Eventually.WaitFor(() => Task.FromResult(Spans(spans, trace)),
            s => s.Any(a => a.Source.Name == "Switchboard") && s.Any(a => a.Source.Name == "Microsoft.AspNetCore" && a.ParentSpanId == parent));
        var @event = ended.Single(s => s.Source.Name == "Switchboard");
        @event.DisplayName.Should().Be("io.camunda:webhook:1 webhook");
        @event.ParentSpanId.Should().Be(ended.Single(s => s.Source.Name == "Microsoft.AspNetCore" && s.ParentSpanId == parent).SpanId);
        @event.GetTagItem("switchboard.activation").Should().Be("orders");
        @event.GetTagItem("switchboard.outcome").Should().Be("correlated");
    }

    [Theory]
    [InlineData("01")]
    [InlineData("00")]
    public async Task The_Http_connectors_request_continues_the_calls_trace_with_the_callers_sampled_flag(string flags)
    {
        await using var upstream = await Http.Upstream.StartAsync();
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Http"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory);
        var trace = ActivityTraceId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/do/http/GetRequestV2")
        {
            Content = new StringContent(new JsonObject { ["url"] = upstream.Url("echo") }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-{flags}");
        using var response = await host.Http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // The upstream echoes the traceparent it received; the connector returns the upstream's JSON as its body.
        var sent = answer["command_response"]!["body"]!["traceparent"]!.GetValue<string>();
        sent.Should().StartWith($"00-{trace}-", "the upstream request carries the caller's trace on: " + answer.ToJsonString());
        sent.Should().EndWith("-" + flags, "whether the trace is sampled is the caller's decision, passed on as it came");
    }

    // OpenTelemetry's own SDK with its in-memory exporter, as an operator's tracing pipeline would get the spans: ours
    // and ASP.NET Core's request spans, every one sampled.
    private static TracerProvider CaptureSpans(List<Activity> spans) => OpenTelemetry.Sdk.CreateTracerProviderBuilder()
        .AddSource("Switchboard", "Microsoft.AspNetCore")
        .SetSampler(new AlwaysOnSampler())
        .AddInMemoryExporter(spans)
        .Build();

    private static List<Activity> Spans(List<Activity> spans, ActivityTraceId trace)
    {
        lock (spans)
            return spans.Where(s => s.TraceId == trace).ToList();
    }

    // The value of the series, or null while there is none.
    private static double? TryValue(string[] lines, string metric, params string[] labels) =>
        lines.Where(l => l.StartsWith(metric, StringComparison.Ordinal) && labels.All(l.Contains)).ToList() is [var line]
            ? double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
            : null;

    // The value of the one series whose line starts with the metric and holds every label given.
    private static double Value(string[] lines, string metric, params string[] labels)
    {
        var line = lines.Where(l => l.StartsWith(metric, StringComparison.Ordinal) && labels.All(l.Contains)).Should().ContainSingle().Subject;
        return double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
