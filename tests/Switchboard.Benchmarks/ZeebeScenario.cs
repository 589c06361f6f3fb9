using System.Diagnostics;
using System.Globalization;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Benchmarks;

/// <summary>Jobs per second and activation-to-completion latency of the Zeebe worker for a trivial connector, through the in-memory test gateway.</summary>
internal static class ZeebeScenario
{
    private static int _rate;

    /// <param name="workers">Which workers to measure, in this order: <c>polling</c>, <c>streaming</c>, <c>default</c>
    /// (our host in each mode), <c>grpc-js</c> (the minimal worker), <c>node-sdk</c>.</param>
    /// <param name="rate">Jobs created per second, spread over the round (0: all at once, a backlog to drain).</param>
    public static async Task RunAsync(string pluginsDirectory, int jobs, int rounds, int maxJobsActive, IReadOnlyCollection<string> workers, int rate = 0)
    {
        _rate = rate;
        if (rate > 0)
            Console.WriteLine($"# jobs are created at {rate} per second (in batches every 10 ms), not all at once");
        var known = new[] { "polling", "streaming", "default", "grpc-js", "node-sdk" };
        if (workers.FirstOrDefault(w => !known.Contains(w)) is { } unknown)
            throw new ArgumentException($"unknown worker '{unknown}'; known: {string.Join(", ", known)}");
        foreach (var (name, mode, streaming, polling) in new[]
                 { ("polling", "polling", false, true), ("streaming", "streaming", true, false), ("default", "streaming + polling", true, true) })
            if (workers.Contains(name))
                await RunModeAsync(pluginsDirectory, jobs, rounds, maxJobsActive, mode, streaming, polling);
        if (workers.Contains("grpc-js"))
            await RunGrpcMinimalAsync(jobs, rounds, maxJobsActive);
        if (workers.Contains("node-sdk"))
            await RunNodeSdkAsync(jobs, rounds, maxJobsActive);
    }

    // The floor: a grpc-js worker that streams jobs (and polls for what is not pushed) and completes each at once with no work, in a process of its own.
    private static async Task RunGrpcMinimalAsync(int jobs, int rounds, int maxJobsActive)
    {
        Console.WriteLine($"# zeebe scenario, minimal grpc-js worker (a stream and polls beside it, no work, its own process): {jobs} jobs per round, {maxJobsActive} in flight at most");
        var package = await Switchboard.Tests.Infrastructure.NpmPackage.InstallAsync("@camunda8/sdk@8.8.13");
        var script = Path.Combine(package, "..", "..", "grpc-worker.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grpc-worker.cjs"), script, overwrite: true);
        var proto = Path.Combine(package, "dist", "proto", "zeebe.proto");
        await using var server = await TestGatewayServer.StartAsync();
        await DriveAsync(server.Gateway, jobs, rounds, new ProcessStartInfo("node",
            [script, proto, server.Address, "io.switchboard:calculator:1", maxJobsActive.ToString(CultureInfo.InvariantCulture)]), waitForReady: true);
    }

    // Runs the warm-up and the rounds against a worker in a process of its own, then ends it.
    private static async Task DriveAsync(TestGateway gateway, int jobs, int rounds, ProcessStartInfo worker, bool waitForReady)
    {
        worker.RedirectStandardInput = true;
        worker.RedirectStandardOutput = true;
        worker.RedirectStandardError = true;
        using var process = Process.Start(worker)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        if (waitForReady)
            await process.StandardOutput.ReadLineAsync();
        else
            process.BeginOutputReadLine();
        try
        {
            // Warm-up: JIT, connections, pools; its end also says the worker is there.
            await RoundAsync(gateway, Math.Min(jobs, 500), print: false);
            for (var round = 1; round <= rounds; round++)
                await RoundAsync(gateway, jobs, print: true, round);
        }
        finally
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
                process.Kill(entireProcessTree: true);
        }
    }

    // The reference: @camunda8/sdk's worker (polling) completing the same jobs through the same gateway.
    private static async Task RunNodeSdkAsync(int jobs, int rounds, int maxJobsActive)
    {
        Console.WriteLine($"# zeebe scenario, Node SDK worker (@camunda8/sdk 8.8.13, polling): {jobs} jobs per round, maxJobsToActivate {maxJobsActive}");
        var package = await Switchboard.Tests.Infrastructure.NpmPackage.InstallAsync("@camunda8/sdk@8.8.13");
        var script = Path.Combine(package, "..", "..", "node-worker.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "node-worker.cjs"), script, overwrite: true);
        await using var server = await TestGatewayServer.StartAsync();
        await DriveAsync(server.Gateway, jobs, rounds, new ProcessStartInfo("node",
            [script, server.Address, "io.switchboard:calculator:1", maxJobsActive.ToString(CultureInfo.InvariantCulture)]), waitForReady: true);
    }

    private static async Task RunModeAsync(string pluginsDirectory, int jobs, int rounds, int maxJobsActive, string mode, bool streaming, bool polling)
    {
        Console.WriteLine($"# zeebe scenario, {mode}: {jobs} io.switchboard:calculator:1 jobs per round, maxJobsActive {maxJobsActive}, " +
                          $"the host in its own process, the gateway in this one, on {Environment.ProcessorCount} cores");
        await using var server = await TestGatewayServer.StartAsync();
        // The host in a process of its own, as users run it: the gateway (here) and the worker do not share a runtime.
        var host = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Switchboard.Host.dll"),
            "--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning",
            "--Switchboard:Zeebe:Address=" + server.Address, "--Switchboard:Zeebe:PollInterval=00:00:00.010",
            "--Switchboard:Zeebe:MaxJobsActive=" + maxJobsActive, $"--Switchboard:Zeebe:Streaming={streaming}", $"--Switchboard:Zeebe:Polling={polling}"]);
        await DriveAsync(server.Gateway, jobs, rounds, host, waitForReady: false);
    }

    private static async Task RoundAsync(TestGateway gateway, int count, bool print, int round = 0)
    {
        var watch = Stopwatch.StartNew();
        var start = Stopwatch.GetTimestamp();
        var yieldedBefore = gateway.Yielded;
        long Create(int i) => gateway.CreateJob("io.switchboard:calculator:1", $$"""{"action":"add","a":{{i}},"b":1}""", new() { ["resultVariable"] = "r" });
        List<long> keys;
        if (_rate <= 0)
            keys = Enumerable.Range(0, count).Select(Create).ToList();
        else
        {
            // Paced: as many jobs as the rate allows by now, every 10 ms, the way a steady flow of process instances arrives.
            keys = new List<long>(count);
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
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
        var all = keys.Select(gateway.Job).ToList();
        var jobs = all.Where(j => j.State == JobState.Completed).ToList();
        var stranded = all.Count - jobs.Count;
        if (!print)
            return;
        if (jobs.Count == 0)
        {
            Console.WriteLine($"  round {round}: no job completed; {stranded} waiting");
            return;
        }
        var elapsed = Stopwatch.GetElapsedTime(start, jobs.Max(j => j.FinishedAt));
        count = jobs.Count;
        double[] Sorted(Func<TestJob, double> of) => jobs.Select(of).Order().ToArray();
        var activated = Sorted(j => Stopwatch.GetElapsedTime(j.ActivatedAt, j.FinishedAt).TotalMilliseconds);
        var created = Sorted(j => Stopwatch.GetElapsedTime(j.CreatedAt, j.FinishedAt).TotalMilliseconds);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  round {round}: {count / elapsed.TotalSeconds:0} jobs/s ({count} in {elapsed.TotalSeconds:0.00} s), activation→completion p50 {activated[activated.Length / 2]:0.00} ms, p99 {activated[(int)(activated.Length * 0.99)]:0.00} ms; " +
            $"creation→completion p50 {created[created.Length / 2]:0.00} ms, p99 {created[(int)(created.Length * 0.99)]:0.00} ms; " +
            $"not completed {stranded}; pushed {jobs.Count(j => j.Streamed)}, given back to polls {gateway.Yielded - yieldedBefore}"));
    }
}
