using System.Diagnostics;
using System.Globalization;
using Switchboard.Host.Hosting;
using Switchboard.ZeebeTestGateway;

namespace Switchboard.Benchmarks;

/// <summary>Jobs per second and activation-to-completion latency of the Zeebe worker for a trivial connector, through the in-memory test gateway.</summary>
internal static class ZeebeScenario
{
    public static async Task RunAsync(string pluginsDirectory, int jobs, int rounds, int maxJobsActive)
    {
        foreach (var (mode, streaming, polling) in new[] { ("polling", false, true), ("streaming", true, false), ("streaming + polling", true, true) })
            await RunModeAsync(pluginsDirectory, jobs, rounds, maxJobsActive, mode, streaming, polling);
        await RunNodeSdkAsync(jobs, rounds, maxJobsActive);
    }

    // The reference: @camunda8/sdk's worker (polling) completing the same jobs through the same gateway.
    private static async Task RunNodeSdkAsync(int jobs, int rounds, int maxJobsActive)
    {
        Console.WriteLine($"# zeebe scenario, Node SDK worker (@camunda8/sdk 8.8.13, polling): {jobs} jobs per round, maxJobsToActivate {maxJobsActive}");
        var package = await Switchboard.Tests.Infrastructure.NpmPackage.InstallAsync("@camunda8/sdk@8.8.13");
        var script = Path.Combine(package, "..", "..", "node-worker.cjs");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "node-worker.cjs"), script, overwrite: true);
        await using var server = await TestGatewayServer.StartAsync();
        using var node = Process.Start(new ProcessStartInfo("node", [script, server.Address, "io.switchboard:calculator:1", maxJobsActive.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        await node.StandardOutput.ReadLineAsync();
        try
        {
            await RoundAsync(server.Gateway, Math.Min(jobs, 500), print: false);
            for (var round = 1; round <= rounds; round++)
                await RoundAsync(server.Gateway, jobs, print: true, round);
        }
        finally
        {
            node.StandardInput.Close();
            if (!node.WaitForExit(5000))
                node.Kill(entireProcessTree: true);
        }
    }

    private static async Task RunModeAsync(string pluginsDirectory, int jobs, int rounds, int maxJobsActive, string mode, bool streaming, bool polling)
    {
        Console.WriteLine($"# zeebe scenario, {mode}: {jobs} io.switchboard:calculator:1 jobs per round, maxJobsActive {maxJobsActive}, " +
                          $"gateway and host in one process on {Environment.ProcessorCount} cores");
        await using var server = await TestGatewayServer.StartAsync();
        var host = SwitchboardApp.Create(["--plugins", pluginsDirectory, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning",
            "--Switchboard:Zeebe:Address=" + server.Address, "--Switchboard:Zeebe:PollInterval=00:00:00.010",
            "--Switchboard:Zeebe:MaxJobsActive=" + maxJobsActive, $"--Switchboard:Zeebe:Streaming={streaming}", $"--Switchboard:Zeebe:Polling={polling}"]);
        await host.StartAsync();
        try
        {
            await RoundAsync(server.Gateway, Math.Min(jobs, 500), print: false); // warm-up: JIT, connections, pools
            for (var round = 1; round <= rounds; round++)
                await RoundAsync(server.Gateway, jobs, print: true, round);
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    private static async Task RoundAsync(TestGateway gateway, int count, bool print, int round = 0)
    {
        var watch = Stopwatch.StartNew();
        var keys = Enumerable.Range(0, count).Select(i => gateway.CreateJob("io.switchboard:calculator:1",
            $$"""{"action":"add","a":{{i}},"b":1}""", new() { ["resultVariable"] = "r" })).ToList();
        foreach (var key in keys)
            await gateway.FinishedAsync(key, TimeSpan.FromMinutes(5));
        var elapsed = watch.Elapsed;
        if (!print)
            return;
        var latencies = keys.Select(gateway.Job).Select(j => Stopwatch.GetElapsedTime(j.ActivatedAt, j.FinishedAt).TotalMilliseconds).Order().ToArray();
        var failed = keys.Count(k => gateway.Job(k).State != JobState.Completed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  round {round}: {count / elapsed.TotalSeconds:0} jobs/s ({count} in {elapsed.TotalSeconds:0.00} s), activation→completion p50 {latencies[latencies.Length / 2]:0.00} ms, p99 {latencies[(int)(latencies.Length * 0.99)]:0.00} ms, not completed {failed}"));
    }
}
