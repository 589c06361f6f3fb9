using System.Runtime;
using System.Diagnostics;
using System.Globalization;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Benchmarks;

/// <summary>Jobs per second and activation-to-completion latency of the Zeebe worker for a trivial connector, through the in-memory test gateway.</summary>
internal static class ZeebeScenario
{
    private static int _rate;
    private static int _batchMilliseconds = 10;

    /// <param name="workers">Which workers to measure: <c>polling</c>, <c>streaming</c>, <c>default</c> (our host in each
    /// mode), <c>grpc-js</c> (the minimal worker), <c>node-sdk</c>.</param>
    /// <param name="rate">Jobs created per second, spread over the round (0: all at once, a backlog to drain).</param>
    /// <param name="batchMilliseconds">With a rate, how often the jobs due are created: the larger, the larger each burst.</param>
    /// <remarks>Every worker runs at once, each in a process of its own against a gateway of its own, and the rounds
    /// alternate between them (round 1 of each, then round 2 of each, ...): this machine's speed drifts by more than the
    /// differences between our modes, and a worker measured after another would carry the drift into the comparison.</remarks>
    public static async Task RunAsync(string pluginsDirectory, int jobs, int rounds, int maxJobsActive, IReadOnlyCollection<string> workers, int rate = 0,
        int batchMilliseconds = 10)
    {
        if (batchMilliseconds < 1)
            throw new ArgumentException($"--batch-ms must be at least 1, not {batchMilliseconds}");
        _rate = rate;
        _batchMilliseconds = batchMilliseconds;
        if (rate > 0)
            Console.WriteLine($"# jobs are created at {rate} per second (in batches every {batchMilliseconds} ms, about {Math.Max(1, rate * batchMilliseconds / 1000)} each), not all at once");
        var known = new[] { "polling", "streaming", "default", "grpc-js", "node-sdk" };
        if (workers.FirstOrDefault(w => !known.Contains(w)) is { } unknown)
            throw new ArgumentException($"unknown worker '{unknown}'; known: {string.Join(", ", known)}");
        Console.WriteLine($"# zeebe scenario: {jobs} io.switchboard:calculator:1 jobs per round, at most {maxJobsActive} in flight per worker; " +
                          $"each worker in its own process with its own gateway (in this process), rounds alternating between workers, on {Environment.ProcessorCount} cores");
        var contenders = new List<Contender>();
        StallWatch.Start();
        try
        {
            foreach (var (name, streaming, polling) in new[] { ("polling", false, true), ("streaming", true, false), ("default", true, true) })
                if (workers.Contains(name))
                    contenders.Add(await StartHostAsync(name, pluginsDirectory, maxJobsActive, streaming, polling));
            if (workers.Contains("grpc-js"))
                contenders.Add(await StartGrpcMinimalAsync(maxJobsActive));
            if (workers.Contains("node-sdk"))
                contenders.Add(await StartNodeSdkAsync(maxJobsActive));
            // Warm-up: JIT, connections, pools; its end also says each worker is there.
            foreach (var contender in contenders)
                await RoundAsync(contender, Math.Min(jobs, 500), print: false);
            var rates = contenders.ToDictionary(c => c.Name, _ => new List<double>());
            for (var round = 1; round <= rounds; round++)
                foreach (var contender in contenders)
                {
                    // The gateways share this process: a full collection now, between rounds, and none during the
                    // round if its allocations fit, instead of pauses that stall whichever worker they fall on.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                    var quiet = TryQuietGc(jobs);
                    try
                    {
                        rates[contender.Name].Add(await RoundAsync(contender, jobs, print: true, round));
                    }
                    finally
                    {
                        // A region whose budget ran out ended by itself with a collection, which the round printed.
                        if (quiet && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                            GC.EndNoGCRegion();
                    }
                }
            Summarize(rates);
        }
        finally
        {
            foreach (var contender in contenders)
                await contender.DisposeAsync();
        }
    }

    // About 5 KiB are allocated here per job (the gateway's gRPC calls and the job records), with room to spare.
    private static bool TryQuietGc(int jobs)
    {
        try
        {
            return GC.TryStartNoGCRegion(Math.Min(jobs * 16L * 1024, 1L << 30));
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    // Each worker's median jobs/s over the rounds after the first two (the host's JIT is still tiering up through them),
    // and each of those rounds' ratio to polling.
    private static void Summarize(Dictionary<string, List<double>> rates)
    {
        var warming = rates.Values.First().Count >= 4 ? 2 : 0;
        var steady = rates.ToDictionary(r => r.Key, r => r.Value.Skip(warming).ToList());
        foreach (var (name, all) in steady)
        {
            if (all.Any(double.IsNaN))
            {
                Console.WriteLine($"  {name}: left jobs behind in {all.Count(double.IsNaN)} of {all.Count} rounds; no rate to compare");
                continue;
            }
            var values = all;
            var line = string.Create(CultureInfo.InvariantCulture, $"  {name}: median {Median(values):0} jobs/s over rounds {rates[name].Count - values.Count + 1}–{rates[name].Count}");
            if (name != "polling" && steady.TryGetValue("polling", out var polling) && !polling.Any(double.IsNaN))
            {
                var ratios = values.Zip(polling, (v, p) => p > 0 ? v / p : 0).ToList();
                line += string.Create(CultureInfo.InvariantCulture,
                    $"; to polling, round by round: {string.Join(" ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))} (median {Median(ratios):0.00})");
            }
            Console.WriteLine(line);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // The floor: a grpc-js worker that streams jobs (and polls for what is not pushed) and completes each at once with no work, in a process of its own.
    private static async Task<Contender> StartGrpcMinimalAsync(int maxJobsActive)
    {
        var package = await Switchboard.Tests.Infrastructure.NpmPackage.InstallAsync("@camunda8/sdk@8.8.13");
        var script = Path.Combine(package, "..", "..", "grpc-worker.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grpc-worker.cjs"), script, overwrite: true);
        var proto = Path.Combine(package, "dist", "proto", "zeebe.proto");
        var server = await TestGatewayServer.StartAsync();
        return await Contender.StartAsync("grpc-js", "minimal grpc-js worker (a stream and polls beside it, no work)", server, new ProcessStartInfo("node",
            [script, proto, server.Address, "io.switchboard:calculator:1", maxJobsActive.ToString(CultureInfo.InvariantCulture)]), waitForReady: true);
    }

    // The reference: @camunda8/sdk's worker (polling) completing the same jobs through the same gateway.
    private static async Task<Contender> StartNodeSdkAsync(int maxJobsActive)
    {
        var package = await Switchboard.Tests.Infrastructure.NpmPackage.InstallAsync("@camunda8/sdk@8.8.13");
        var script = Path.Combine(package, "..", "..", "node-worker.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "node-worker.cjs"), script, overwrite: true);
        var server = await TestGatewayServer.StartAsync();
        return await Contender.StartAsync("node-sdk", "Node SDK worker (@camunda8/sdk 8.8.13, polling)", server, new ProcessStartInfo("node",
            [script, server.Address, "io.switchboard:calculator:1", maxJobsActive.ToString(CultureInfo.InvariantCulture)]), waitForReady: true);
    }

    private static async Task<Contender> StartHostAsync(string name, string pluginsDirectory, int maxJobsActive, bool streaming, bool polling)
    {
        var server = await TestGatewayServer.StartAsync();
        // Its port is chosen here so that the rounds can read the worker's own collections from its /metrics.
        var url = $"http://127.0.0.1:{Switchboard.Tests.Infrastructure.LoopbackPort.Free()}";
        // The host in a process of its own, as users run it: the gateway (here) and the worker do not share a runtime.
        var host = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Switchboard.Host.dll"),
            "--plugins", pluginsDirectory, "--urls", url, "--Switchboard:Log:Level=Warning",
            "--Switchboard:Zeebe:Address=" + server.Address, "--Switchboard:Zeebe:PollInterval=00:00:00.010",
            "--Switchboard:Zeebe:MaxJobsActive=" + maxJobsActive, $"--Switchboard:Zeebe:Streaming={streaming}", $"--Switchboard:Zeebe:Polling={polling}"]);
        var mode = streaming && polling ? "streaming + polling" : streaming ? "streaming only" : "polling only";
        var contender = await Contender.StartAsync(name, "Switchboard host, " + mode, server, host, waitForReady: false);
        contender.Metrics = new Uri(url + "/metrics");
        return contender;
    }

    /// <summary>The worker's own collections so far and the time they paused it, from the runtime's meter on its
    /// <c>/metrics</c>; none for a worker that serves no metrics.</summary>
    private static async Task<(double Collections, double PausedSeconds)?> WorkerGcAsync(Contender contender)
    {
        if (contender.Metrics is not { } metrics)
            return null;
        try
        {
            var text = await MetricsClient.GetStringAsync(metrics);
            double Sum(string name) => text.Split('\n')
                .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{'))
                .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
            return (Sum("dotnet_gc_collections_total"), Sum("dotnet_gc_pause_time_seconds_total"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static readonly HttpClient MetricsClient = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>One worker under measurement: its process and the gateway it works against.</summary>
    private sealed class Contender : IAsyncDisposable
    {
        private readonly TestGatewayServer _server;
        private readonly Process _process;

        private Contender(string name, TestGatewayServer server, Process process)
        {
            Name = name;
            _server = server;
            _process = process;
        }

        public string Name { get; }

        /// <summary>Where the worker serves its metrics, if it does (our host).</summary>
        public Uri? Metrics { get; set; }

        public TestGateway Gateway => _server.Gateway;

        /// <summary>The worker process's CPU time so far (user and system, every thread).</summary>
        public TimeSpan CpuTime
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        public static async Task<Contender> StartAsync(string name, string description, TestGatewayServer server, ProcessStartInfo worker, bool waitForReady)
        {
            worker.RedirectStandardInput = true;
            worker.RedirectStandardOutput = true;
            worker.RedirectStandardError = true;
            var process = Process.Start(worker)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            if (waitForReady)
                await process.StandardOutput.ReadLineAsync();
            else
                process.BeginOutputReadLine();
            Console.WriteLine($"# {name}: {description}");
            return new Contender(name, server, process);
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
            await _server.DisposeAsync();
        }
    }

    // One round against one worker: creates the jobs, waits for them, prints the figures and answers the jobs per second (NaN when jobs were left behind).
    private static async Task<double> RoundAsync(Contender contender, int count, bool print, int round = 0)
    {
        var gateway = contender.Gateway;
        // Read before the round's clock starts: the scrape is an HTTP request to the worker.
        var workerGcBefore = await WorkerGcAsync(contender);
        var watch = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();
        var yieldedBefore = gateway.Yielded;
        var cpuBefore = contender.CpuTime;
        var pausedBefore = GC.GetTotalPauseDuration();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        long Create(int i) => gateway.CreateJob("io.switchboard:calculator:1", $$"""{"action":"add","a":{{i}},"b":1}""", new() { ["resultVariable"] = "r" });
        List<long> keys;
        if (_rate <= 0)
            keys = Enumerable.Range(0, count).Select(Create).ToList();
        else
        {
            // Paced: as many jobs as the rate allows by now, every batch interval, the way a steady flow of process instances arrives.
            keys = new List<long>(count);
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(_batchMilliseconds));
            while (keys.Count < count)
            {
                var due = Math.Min(count, (int)(watch.Elapsed.TotalSeconds * _rate) + 1);
                while (keys.Count < due)
                    keys.Add(Create(keys.Count));
                if (keys.Count < count)
                    await tick.WaitForNextTickAsync();
            }
        }
        // Until every job is done, or none has finished for 5 s: a worker without polling leaves the jobs its stream was
        // not pushed (those that came while it was full) to wait for a poll that never comes.
        try
        {
            foreach (var key in keys)
                await gateway.FinishedAsync(key, TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        var cpu = contender.CpuTime - cpuBefore;
        // The gateways live in this process: its collections stall every worker's gateway alike.
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var workerGcAfter = await WorkerGcAsync(contender);
        var all = keys.Select(gateway.Job).ToList();
        var jobs = all.Where(j => j.State == JobState.Completed).ToList();
        var stranded = all.Count - jobs.Count;
        gateway.Forget(keys);
        if (!print)
            return 0;
        if (jobs.Count == 0)
        {
            Console.WriteLine($"  {contender.Name} round {round}: no job completed; {stranded} waiting");
            return 0;
        }
        var elapsed = Stopwatch.GetElapsedTime(start, jobs.Max(j => j.FinishedAt));
        count = jobs.Count;
        double[] Sorted(Func<TestJob, double> of) => jobs.Select(of).Order().ToArray();
        var activated = Sorted(j => Stopwatch.GetElapsedTime(j.ActivatedAt, j.FinishedAt).TotalMilliseconds);
        var created = Sorted(j => Stopwatch.GetElapsedTime(j.CreatedAt, j.FinishedAt).TotalMilliseconds);
        // The longest stretch, once every job had been created, in which none was activated while some waited: a worker
        // that pauses shows here (before that, the gateway's own creation of the jobs can hold activations up).
        var allCreated = all.Max(j => j.CreatedAt);
        var activations = jobs.Select(j => j.ActivatedAt).Where(at => at >= allCreated).Order().ToArray();
        var stall = activations.Zip(activations.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).DefaultIfEmpty().Max();

        var (stalls, longest) = StallWatch.Between(start, jobs.Max(j => j.FinishedAt));
        var workerGc = workerGcBefore is { } b && workerGcAfter is { } a
            ? string.Create(CultureInfo.InvariantCulture, $"; worker paused by {a.Collections - b.Collections:0} collections, {(a.PausedSeconds - b.PausedSeconds) * 1000:0} ms in all")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {contender.Name} round {round}: {count / elapsed.TotalSeconds:0} jobs/s ({count} in {elapsed.TotalSeconds:0.00} s, the last created after {Stopwatch.GetElapsedTime(start, allCreated).TotalMilliseconds:0} ms), activation→completion p50 {activated[activated.Length / 2]:0.00} ms, p99 {activated[(int)(activated.Length * 0.99)]:0.00} ms; " +
            $"creation→completion p50 {created[created.Length / 2]:0.00} ms, p99 {created[(int)(created.Length * 0.99)]:0.00} ms; " +
            $"worker CPU {cpu.TotalMicroseconds / count:0} µs per job; not completed {stranded}; pushed {jobs.Count(j => j.Streamed)}, given back to polls {gateway.Yielded - yieldedBefore}; longest gap between activations {stall:0.0} ms; gateway process paused by GC {paused.TotalMilliseconds:0} ms, allocating {allocated / 1024.0 / count:0.0} KiB per job{workerGc}; " +
            $"this process's watch thread woke late {stalls} times, at worst by {longest:0.0} ms"));
        // A round that left jobs behind has no rate to compare: its figure covers only the jobs that were pushed.
        return stranded == 0 ? count / elapsed.TotalSeconds : double.NaN;
    }
}
