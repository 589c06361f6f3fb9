using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Host.Catalog;
using Switchboard.Host.Isolation;
using Switchboard.Tests.Infrastructure;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Tests.Isolation;

/// <summary>A plugin configured with <c>Plugins:&lt;Name&gt;:Isolation=process</c> runs in a worker process: a fault
/// that ends its process answers the call in each protocol's error form, the host and the other plugins keep serving,
/// and the worker is started again.</summary>
public sealed class ProcessIsolationTests : IAsyncLifetime
{
    private readonly PluginSandbox _sandbox = new();
    private TestGatewayServer _gateway = null!;
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGatewayServer.StartAsync();
        _sandbox.Add(Repository.TestPlugin("Crasher"));
        _sandbox.Add(Repository.ShippedPlugin("Calculator"));
        _host = await RunningHost.StartAsync(_sandbox.Directory,
            "Switchboard:Catalog:Watch=false",
            "Plugins:Crasher:Isolation=process",
            "Switchboard:Zeebe:Address=" + _gateway.Address,
            "Switchboard:Zeebe:PollInterval=00:00:00.050");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _gateway.DisposeAsync();
        _sandbox.Dispose();
    }

    private async Task<JsonNode> CspAsync(string type, string? operation, string input)
    {
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = type, ["params"] = new JsonObject { ["input"] = JsonNode.Parse(input), ["operation"] = operation } };
        using var response = await _host.Http.PostAsync("/csp/connector", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(), documentOptions: new() { MaxDepth = 1000 })!;
    }

    [Theory]
    [InlineData("failFast")]
    [InlineData("stackOverflow")]
    [InlineData("threadThrow")]
    [InlineData("asyncVoid")]
    public async Task A_crash_in_an_isolated_plugin_answers_its_call_and_leaves_the_host_and_other_plugins_serving(string fault)
    {
        var before = await CspAsync("io.switchboard.test:crasher:1", "add", """{"a":2,"b":3}""");
        before["result"]!["output"]!["sum"]!.GetValue<int>().Should().Be(5);
        var firstWorker = before["result"]!["output"]!["pid"]!.GetValue<int>();
        firstWorker.Should().NotBe(Environment.ProcessId, "the plugin runs in its worker process");

        using var stop = new CancellationTokenSource();
        var probeFailures = 0;
        var probes = 0;
        var probing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var answer = await CspAsync("io.switchboard:calculator:1", null, """{"action":"add","a":1,"b":1}""");
                Interlocked.Increment(ref probes);
                if (answer["result"]?["output"]?["result"]?.GetValue<double>() != 2)
                    Interlocked.Increment(ref probeFailures);
                await Task.Delay(50);
            }
        });

        var crashed = await CspAsync("io.switchboard.test:crasher:1", fault, "{}");
        await Eventually.WaitFor(() => CspAsync("io.switchboard.test:crasher:1", "add", """{"a":1,"b":1}"""),
            a => a["result"]?["output"]?["sum"] is not null, TimeSpan.FromSeconds(60), "the worker is started again after the CSP call's crash");
        var job = await _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob("io.switchboard.test:crasher:1", "{}", new() { ["operation"] = fault }));
        var after = await Eventually.WaitFor(() => CspAsync("io.switchboard.test:crasher:1", "add", """{"a":1,"b":1}"""),
            a => a["result"]?["output"]?["sum"] is not null, TimeSpan.FromSeconds(60), "the worker is started again");
        stop.Cancel();
        await probing;

        crashed["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("PluginCrashed");
        crashed["error"]!["data"]!["retryable"]!.GetValue<bool>().Should().BeTrue();
        job.State.Should().Be(JobState.Failed, job.ErrorMessage);
        job.ErrorMessage.Should().Contain("ended during the call");
        job.Retries.Should().Be(2, "a crash spends one retry, as any retryable failure");
        job.RetryBackoff.Should().BeGreaterThan(TimeSpan.Zero, "the retry waits for the worker to be started again");
        after["result"]!["output"]!["pid"]!.GetValue<int>().Should().NotBe(firstWorker, "a new worker process serves");
        probes.Should().BeGreaterThan(3);
        probeFailures.Should().Be(0, "Calculator, in the host, kept answering throughout");
        _host.Catalog.Plugins.Single(p => p.Name == "Calculator").State.Should().Be(PluginState.Loaded);
    }

    [Fact]
    public async Task Input_and_output_as_deep_as_the_protocols_allow_reach_an_isolated_plugin_and_come_back_without_ending_its_worker()
    {
        const string crasher = "io.switchboard.test:crasher:1";
        var worker = (await CspAsync(crasher, "add", """{"a":1,"b":1}"""))["result"]!["output"]!["pid"]!.GetValue<int>();

        // Output 200 levels deep (a JSON node a connector returns may nest up to 1000) and a Zeebe job's variable 100 levels
        // deep (Zeebe takes up to 1000): each travels inside a message between the host and the worker, deeper still.
        var nested = await CspAsync(crasher, "nest", """{"levels":200}""");
        var deep = new string('[', 100) + "1" + new string(']', 100);
        var job = await _gateway.Gateway.FinishedAsync(_gateway.Gateway.CreateJob(crasher, $$"""{"a":{{deep}},"b":1}""", new() { ["operation"] = "add" }));
        var after = await CspAsync(crasher, "add", """{"a":1,"b":1}""");

        var level = nested["result"]?["output"]?["nested"];
        level.Should().NotBeNull(nested.ToJsonString());
        for (var i = 0; i < 200; i++)
            level = level!.AsArray().Single();
        level!.GetValue<int>().Should().Be(1, nested.ToJsonString());
        job.State.Should().Be(JobState.Incident, job.ErrorMessage);
        job.ErrorMessage.Should().Contain("a must be");
        job.FailVariables!["error"]!["code"]!.GetValue<string>().Should().Be("InvalidParameters");
        ((int?)after["result"]?["output"]?["pid"]).Should().Be(worker, "the same worker process served throughout");
    }

    [Theory]
    [InlineData("""{"kind":"answer"}""", "without a numeric id")]
    [InlineData("""{"id":"seven"}""", "without a numeric id")]
    [InlineData("""{"id":1,"kind":7}""", "kind is not text")]
    [InlineData("""{"id":{id},"outcome":{"error":{"kind":"Nonsense","code":"x","message":"y","retryable":false}}}""", "error.kind is not an error kind")]
    [InlineData("""{"id":{id},"outcome":{"output":1,"response":{"statusCode":"ok","headers":{}}}}""", "response.statusCode is not a whole number")]
    [InlineData("""{"id":{id},"outcome":[1]}""", "the outcome is not a JSON object")]
    public async Task A_worker_that_breaks_the_protocol_answers_its_call_at_once_naming_the_message_and_is_started_again(string message, string problem)
    {
        const string crasher = "io.switchboard.test:crasher:1";
        var worker = (await CspAsync(crasher, "add", """{"a":1,"b":1}"""))["result"]!["output"]!["pid"]!.GetValue<int>();

        // Plugin code in the worker writes to the worker's connection to the host: the host must not stop reading it
        // unseen (every call would wait out its timeout) nor throw on what it reads.
        var forged = await CspAsync(crasher, "forge", new JsonObject { ["message"] = message }.ToJsonString());
        var after = await Eventually.WaitFor(() => CspAsync(crasher, "add", """{"a":1,"b":1}"""),
            a => a["result"]?["output"]?["pid"] is not null, TimeSpan.FromSeconds(60), "a new worker serves");

        ((string?)forged["error"]?["data"]?["errorCode"]).Should().Be("PluginCrashed", forged.ToJsonString());
        forged["error"]!["data"]!["errorMessage"]!.GetValue<string>().Should().Contain(problem);
        after["result"]!["output"]!["pid"]!.GetValue<int>().Should().NotBe(worker, "the worker that broke the protocol was ended");
    }

    [Fact]
    public async Task A_worker_printing_a_line_of_a_quarter_gigabyte_has_it_cut_at_64_Ki_characters()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log,
            // A timeout far past the print's time: on a busy machine running other tests beside this one, moving 256 MB
            // through a pipe took longer than the default 30 s, and what is asserted here is the cut, not the speed.
            "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process", "Plugins:Crasher:TimeoutSeconds=600");
        var body = """{"jsonrpc":"2.0","id":1,"method":"io.switchboard.test:crasher:1","params":{"operation":"print","input":{"mb":256}}}""";

        // 256 million characters on one line: gathered whole, that is half a gigabyte of the host's memory, and a loop
        // of such calls grew the host by gigabytes while the worker stayed small. (What the host allocates meanwhile is
        // not asserted: tests running beside this one allocate in the same process.)
        using var patient = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(10) };
        using var response = await patient.PostAsync("/csp/connector", new StringContent(body, Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        await Eventually.WaitFor(() => Task.FromResult(log.ToString()), l => l.Contains("line cut at"), TimeSpan.FromSeconds(60),
            "the worker's line is relayed once it ends");

        (answer["result"]?["output"]?["pid"]).Should().NotBeNull(answer.ToJsonString());
        log.ToString().Should().Contain($"line cut at {64 * 1024} characters, {256L * 1024 * 1024 - 64 * 1024} more dropped");
    }

    [Fact]
    public async Task An_isolated_plugins_settings_reach_its_worker_but_not_its_command_line_which_every_user_can_read()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process",
            "Plugins:Crasher:TimeoutSeconds=7", "Plugins:Crasher:ApiKey=worker-secret-Q4");

        var listed = await host.Http.GetFromJsonAsync<JsonObject>("/csp/connectors/io.switchboard.test:crasher:1");
        var pid = await host.WorkerProcessIdAsync("Crasher");
        pid.Should().NotBe(0, "the plugin runs in a worker process");
        var commandLine = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline")).Replace('\0', ' ');

        listed!["operations"]!.AsArray().Should().OnlyContain(o => (int)o!["timeoutSeconds"]! == 7, "the worker described its connector with the setting");
        commandLine.Should().Contain("Switchboard.Worker.dll").And.NotContain("worker-secret-Q4").And.NotContain("ApiKey");
    }

    // A worker inherited the host's standard input: plugin code reading the console in a worker read the host's terminal
    // (or the pipe an operator feeds the host), taking input that was never its own, or blocked on it for good.
    [Fact]
    public async Task A_worker_does_not_read_the_hosts_standard_input()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process");

        var pid = await host.WorkerProcessIdAsync("Crasher");
        pid.Should().NotBe(0, "the plugin runs in a worker process");
        var hosts = File.ResolveLinkTarget($"/proc/{Environment.ProcessId}/fd/0", returnFinalTarget: false)?.ToString() ?? "(none)";
        var workers = File.ResolveLinkTarget($"/proc/{pid}/fd/0", returnFinalTarget: false)?.ToString() ?? "(none)";

        workers.Should().NotBe(hosts, "the worker's standard input is its own, not the host's");
    }

    [Fact]
    public async Task A_worker_gets_the_runtimes_part_of_the_hosts_environment_and_not_the_hosts_secrets()
    {
        // As an operator hands the host a Camunda secret (under the Zeebe adapter's prefix) and something of its own.
        Environment.SetEnvironmentVariable("SECRET_ISOLATION_PROBE", "host-secret-W7");
        Environment.SetEnvironmentVariable("SWITCHBOARD_HOST_ONLY_PROBE", "host-only-W7");
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process");

        var pid = await host.WorkerProcessIdAsync("Crasher");
        pid.Should().NotBe(0, "the plugin runs in a worker process");
        var names = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v[..v.IndexOf('=')]).ToList();
        const string body = """{"jsonrpc":"2.0","id":1,"method":"io.switchboard.test:crasher:1","params":{"operation":"add","input":{"a":2,"b":3}}}""";
        using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body, Encoding.UTF8, "application/json"));
        var added = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        names.Should().Contain("PATH").And.Contain(WorkerProcess.SettingsVariable)
            .And.NotContain("SECRET_ISOLATION_PROBE").And.NotContain("SWITCHBOARD_HOST_ONLY_PROBE");
        added["result"]!["output"]!["sum"]!.GetValue<int>().Should().Be(5, "the worker runs with what it got");
    }

    [Fact]
    public async Task A_process_connecting_to_a_workers_socket_before_the_worker_is_refused_and_the_worker_serves()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        // As plugin code in another worker can: watch for a worker's socket and connect the moment it appears, long
        // before the new worker has loaded its plugin.
        var pretenders = new List<Socket>();
        using var watcher = new FileSystemWatcher(Path.GetTempPath(), $"switchboard-{Environment.ProcessId}-*.sock");
        watcher.Created += (_, e) =>
        {
            // The file appears when the socket is bound, a moment before it listens.
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    socket.Connect(new UnixDomainSocketEndPoint(e.FullPath));
                    lock (pretenders)
                        pretenders.Add(socket);
                    return;
                }
                catch (SocketException)
                {
                    socket.Dispose();
                    Thread.Sleep(10);
                }
            }
        };
        watcher.EnableRaisingEvents = true;
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process",
            "Switchboard:Catalog:LoadTimeout=00:00:10");
        watcher.EnableRaisingEvents = false;

        const string body = """{"jsonrpc":"2.0","id":1,"method":"io.switchboard.test:crasher:1","params":{"operation":"add","input":{"a":2,"b":3}}}""";
        using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body, Encoding.UTF8, "application/json"));
        var added = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Socket pretender;
        lock (pretenders)
            pretender = pretenders.Should().NotBeEmpty("the test connected as soon as the socket appeared").And.Subject.First();
        int received;
        try
        {
            received = await pretender.ReceiveAsync(new byte[64], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Connected after the worker (a slow watcher event): still waiting to be accepted when the host stopped
            // listening, which resets it. Closed without a byte either way.
            received = 0;
        }

        received.Should().Be(0, "the host closed the pretender's connection without sending it anything");
        ((int?)added["result"]?["output"]?["sum"]).Should().Be(5, added.ToJsonString());
        lock (pretenders)
            pretenders.ForEach(p => p.Dispose());
    }

    [Fact]
    public async Task A_call_or_answer_too_large_for_a_worker_message_is_answered_at_once_naming_the_limit_and_the_worker_serves_on()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process",
            "Switchboard:Csp:MaxBodyBytes=100000000");
        async Task<JsonNode> CallAsync(string operation, string input)
        {
            var body = $$$"""{"jsonrpc":"2.0","id":"call-7","method":"io.switchboard.test:crasher:1","params":{"operation":"{{{operation}}}","input":{{{input}}}}}""";
            using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body, Encoding.UTF8, "application/json"));
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
        var worker = (int)(await CallAsync("add", """{"a":1,"b":1}"""))["result"]!["output"]!["pid"]!;

        // The connector finished at once; its answer, over 64 MiB, was never sent, so the call waited out its timeout
        // and the worker was then killed as hung.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var answer = await CallAsync("large", """{"mb":65}""");
        var elapsed = started.Elapsed;
        var call = await CallAsync("add", $$"""{"a":1,"b":1,"pad":"{{new string('x', 65 * 1024 * 1024)}}"}""");
        var after = await CallAsync("add", """{"a":2,"b":2}""");

        ((string?)answer["error"]?["data"]?["errorCode"]).Should().Be("ResultTooLarge", answer.ToJsonString()[..Math.Min(300, answer.ToJsonString().Length)]);
        ((string)answer["error"]!["data"]!["errorMessage"]!).Should().Contain("at most 64 MiB");
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(25), "answered, not timed out (the default timeout is 30 s)");
        ((string?)call["id"]).Should().Be("call-7", "the caller's id is kept");
        ((string?)call["error"]?["data"]?["errorCode"]).Should().Be("InputTooLarge", call.ToJsonString());
        ((string)call["error"]!["data"]!["errorMessage"]!).Should().Contain("at most 64 MiB");
        ((int?)after["result"]?["output"]?["pid"]).Should().Be(worker, "the same worker serves on");
    }

    [Fact]
    public async Task A_process_the_plugin_started_ends_when_its_worker_crashes()
    {
        var spawned = await CspAsync("io.switchboard.test:crasher:1", "spawn", "{}");
        var child = (int)spawned["result"]!["output"]!["child"]!;
        Running(child).Should().BeTrue("the plugin's child runs");

        await CspAsync("io.switchboard.test:crasher:1", "failFast", "{}");

        // The worker's children went to init when it died, out of reach of a kill of its process tree, and ran on.
        await Eventually.WaitFor(() => !Running(child), TimeSpan.FromSeconds(30), "the child ends with its worker");
    }

    // Running, not ended: a killed child whose new parent has not reaped it yet is a zombie ('Z') until it does.
    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task An_isolated_plugins_connectors_are_listed_and_validated_as_in_process()
    {
        var listed = await _host.Http.GetFromJsonAsync<JsonObject>("/csp/connectors/io.switchboard.test:crasher:1");
        var invalid = await CspAsync("io.switchboard.test:crasher:1", "add", """{"a":"two","b":3}""");

        listed!["operations"]!.AsArray().Select(o => (string)o!["id"]!).Should().Contain(["add", "failFast"]);
        var plugins = (await _host.Http.GetFromJsonAsync<JsonArray>("/plugins"))!;
        var crasher = plugins.Single(p => (string)p!["name"]! == "Crasher")!["isolation"]!;
        crasher["mode"]!.GetValue<string>().Should().Be("process");
        crasher["workingSetBytes"]!.GetValue<long>().Should().BeGreaterThan(1_000_000, "the worker's memory is shown");
        crasher["processId"]!.GetValue<int>().Should().NotBe(Environment.ProcessId);
        plugins.Single(p => (string)p!["name"]! == "Calculator")!["isolation"]!["mode"]!.GetValue<string>().Should().Be("inprocess");
        invalid["error"]!["code"]!.GetValue<int>().Should().Be(-32602);
        invalid["error"]!["data"]!["validationErrors"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task Invalid_input_of_an_asynchronous_call_to_an_isolated_plugin_is_answered_at_once_and_never_called_back()
    {
        await using var listener = await Csp.CallbackListener.StartAsync();

        var invalid = await Csp.CspCall.PostAsync(_host.Http, Csp.CspCall.Request(1, "io.switchboard.test:crasher:1",
            new JsonObject { ["a"] = "two", ["b"] = 3 }, "add", callbackUrl: listener.Url.ToString()));
        var valid = await Csp.CspCall.PostAsync(_host.Http, Csp.CspCall.Request(2, "io.switchboard.test:crasher:1",
            new JsonObject { ["a"] = 2, ["b"] = 3 }, "add", callbackUrl: listener.Url.ToString()));

        invalid.Status.Should().Be(System.Net.HttpStatusCode.OK, "not 202: the worker validated the input before the call was accepted");
        invalid.ErrorCode.Should().Be(-32602);
        invalid.InvalidFields.Should().BeEquivalentTo("a");
        valid.Status.Should().Be(System.Net.HttpStatusCode.Accepted);
        var callback = await listener.NextAsync();
        callback["id"]!.GetValue<int>().Should().Be(2, "only the accepted call is called back");
        callback["result"]!["output"]!["sum"]!.GetValue<int>().Should().Be(5);
    }

    [Fact]
    public async Task A_worker_killed_with_SIGKILL_mid_job_fails_the_job_once_with_a_retry_spent_and_is_started_again()
    {
        var first = await WorkerIdAsync();
        var key = _gateway.Gateway.CreateJob("io.switchboard.test:crasher:1", "{}", new() { ["operation"] = "hang" });
        await Eventually.WaitFor(() => Task.FromResult(_gateway.Gateway.Job(key).State), s => s == JobState.Activated, because: "the worker has the job");

        System.Diagnostics.Process.GetProcessById(first).Kill();
        var job = await _gateway.Gateway.FinishedAsync(key);
        var second = await Eventually.WaitFor(WorkerIdAsync, id => id != 0 && id != first, TimeSpan.FromSeconds(60), "a new worker is started");

        job.State.Should().Be(JobState.Failed, "not lost: failed at once, not left to its Zeebe timeout");
        job.ErrorMessage.Should().Contain("ended during the call").And.Contain("exit code 137");
        job.Retries.Should().Be(2, "one retry spent");
        job.RetryBackoff.Should().BeGreaterThan(TimeSpan.Zero, "the retry waits for the worker to be started again");
        job.Completions.Should().Be(0, "never completed");
        second.Should().NotBe(first);
    }

    private Task<int> WorkerIdAsync() => _host.WorkerProcessIdAsync("Crasher");

    [Fact]
    public async Task A_plugin_whose_worker_crashes_five_times_within_a_minute_is_reported_failed_with_the_exit_reason()
    {
        for (var crash = 1; crash <= 5; crash++)
        {
            // Each crash on a fresh worker: until the restart, calls are answered PluginCrashed by the dead one.
            await Eventually.WaitFor(() => CspAsync("io.switchboard.test:crasher:1", "add", """{"a":1,"b":1}"""),
                a => a["result"]?["output"]?["sum"] is not null, TimeSpan.FromSeconds(60), $"the worker is back before crash {crash}");
            var answer = await CspAsync("io.switchboard.test:crasher:1", "failFast", "{}");
            answer["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("PluginCrashed");
        }

        var plugin = await Eventually.WaitFor(() => Task.FromResult(_host.Catalog.Plugins.Single(p => p.Name == "Crasher")),
            p => p.State == PluginState.Failed, TimeSpan.FromSeconds(30));
        plugin.Reason.Should().Contain("crashed 5 times within 60 s").And.Contain("exit code");
        // Listed as in-process once no worker served it, though its settings put it in one.
        var listed = JsonNode.Parse(await _host.Http.GetStringAsync("/plugins"))!.AsArray().Single(p => (string)p!["name"]! == "Crasher")!["isolation"]!;
        listed["mode"]!.GetValue<string>().Should().Be("process", listed.ToJsonString());
        listed["processId"].Should().BeNull("no worker serves it now");
        var refused = await CspAsync("io.switchboard.test:crasher:1", "add", """{"a":1,"b":1}""");
        refused["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("ConnectorNotFound", "a failed plugin serves nothing until its files change");
        (await CspAsync("io.switchboard:calculator:1", null, """{"action":"add","a":1,"b":1}"""))["result"]!["output"]!["result"]!.GetValue<double>().Should().Be(2);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Fact]
    public async Task A_hung_worker_is_killed_after_the_grace_and_started_again()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        var log = new SharedLog();
        await using var host = await RunningHost.StartAsync(sandbox.Directory, log,
            "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process", "Plugins:Crasher:TimeoutSeconds=1",
            "Switchboard:Catalog:WorkerHungGrace=00:00:01");
        async Task<JsonNode> Add()
        {
            var body = """{"jsonrpc":"2.0","id":1,"method":"io.switchboard.test:crasher:1","params":{"operation":"add","input":{"a":1,"b":1}}}""";
            using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body, Encoding.UTF8, "application/json"));
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
        bool KilledAsHung(int worker) =>
            log.ToString().Split('\n').Any(l => l.Contains($"Worker process {worker} ") && l.Contains("is hung"));

        int pid;
        JsonNode timedOut;
        for (var attempt = 1; ; attempt++)
        {
            // The worker's first call starts and JITs it, which on a busy machine can take longer than the 1 s timeout
            // this test needs for the hang: wait until it answers once.
            var first = await Eventually.WaitFor(Add, a => a["result"]?["output"]?["pid"] is not null, TimeSpan.FromSeconds(60), "the worker answers once warm");
            pid = first["result"]!["output"]!["pid"]!.GetValue<int>();

            kill(pid, 19).Should().Be(0, "SIGSTOP freezes the worker as a hang would");
            timedOut = await Add();
            // A warm-up call that timed out and was answered late may have had this worker killed as hung just after it
            // answered the next one (the clean-clone CI saw it): the stop then froze a dying process and the call went
            // to its successor. Start over with the successor; the hang this test is about was not the one stopped.
            if (timedOut["error"]?["data"]?["errorCode"]?.GetValue<string>() != "Timeout" && KilledAsHung(pid) && attempt < 3)
                continue;
            break;
        }
        var after = await Eventually.WaitFor(Add, a => a["result"]?["output"]?["pid"] is not null, TimeSpan.FromSeconds(60), "the hung worker is replaced");

        timedOut["error"]?["data"]?["errorCode"]?.GetValue<string>().Should().Be("Timeout", $"the stopped worker cannot answer (the answer: {timedOut.ToJsonString()})");
        after["result"]!["output"]!["pid"]!.GetValue<int>().Should().NotBe(pid);
    }

    [Fact]
    public async Task A_worker_over_its_memory_ceiling_is_killed_and_its_call_answered_naming_the_ceiling()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.TestPlugin("Crasher"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory,
            "Switchboard:Catalog:Watch=false", "Plugins:Crasher:Isolation=process", "Plugins:Crasher:MaxWorkerMemoryMB=300");
        async Task<JsonNode> Call(string operation, string input)
        {
            var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "io.switchboard.test:crasher:1",
                ["params"] = new JsonObject { ["operation"] = operation, ["input"] = JsonNode.Parse(input) } };
            using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
        (await Call("allocate", """{"mb":50}"""))["result"].Should().NotBeNull("50 MB fit under the ceiling");

        // Held, then the call waits: only the ceiling's check can end it, by ending the worker.
        var answer = await Call("allocateAndWait", """{"mb":400}""");

        answer["error"]!["data"]!["errorCode"]!.GetValue<string>().Should().Be("PluginCrashed", answer.ToJsonString());
        answer["error"]!["data"]!["errorMessage"]!.GetValue<string>().Should().Contain("memory ceiling of 300 MB");
        await Eventually.WaitFor(() => Call("add", """{"a":1,"b":1}"""), a => a["result"]?["output"]?["sum"] is not null, TimeSpan.FromSeconds(60), "it is started again");
    }

    [Fact]
    public async Task Calls_during_20_reloads_of_an_isolated_plugin_all_succeed_and_every_old_worker_ends()
    {
        using var sandbox = new PluginSandbox();
        sandbox.Add(Repository.ShippedPlugin("Calculator"));
        await using var host = await RunningHost.StartAsync(sandbox.Directory, "Switchboard:Catalog:Watch=false", "Plugins:Calculator:Isolation=process");
        var workers = new HashSet<int>();
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var calls = 0;
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                const string body = """{"jsonrpc":"2.0","id":1,"method":"io.switchboard:calculator:1","params":{"input":{"action":"add","a":2,"b":2}}}""";
                using var response = await host.Http.PostAsync("/csp/connector", new StringContent(body, Encoding.UTF8, "application/json"));
                var text = await response.Content.ReadAsStringAsync();
                lock (failures)
                {
                    calls++;
                    if (JsonNode.Parse(text)?["result"]?["output"]?["result"]?.GetValue<double>() != 4)
                        failures.Add(text);
                }
            }
        })));

        for (var reload = 0; reload < 20; reload++)
        {
            await host.Catalog.SyncAsync("Calculator", force: true);
            var status = host.Catalog.Plugins.Single(p => p.Name == "Calculator");
            workers.Add(status.Worker!.ProcessId);
        }
        stop.Cancel();
        await load;
        await host.Catalog.WaitForUnloadsAsync();

        failures.Should().BeEmpty();
        calls.Should().BeGreaterThan(20);
        workers.Should().HaveCount(20, "each generation has a worker of its own");
        var plugin = host.Catalog.Plugins.Single(p => p.Name == "Calculator");
        plugin.Generation.Should().Be(21);
        plugin.PreviousGenerations.Should().OnlyContain(g => g.State == PluginState.Unloaded);
        foreach (var old in workers.Where(w => w != plugin.Worker!.ProcessId))
            ProcessGone(old).Should().BeTrue($"the worker {old} of a replaced generation ended");
    }

    private static bool ProcessGone(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
