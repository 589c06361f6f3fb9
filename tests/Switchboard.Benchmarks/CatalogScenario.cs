using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Abstractions;
using Switchboard.Host.Catalog;
using Switchboard.Core;
using Switchboard.Core.Invoking;
using Switchboard.Host.Invocation;

namespace Switchboard.Benchmarks;

/// <summary>Cold start to healthy, load time per plugin, reload latency and memory per loaded plugin.</summary>
internal static class CatalogScenario
{
    public static async Task RunAsync()
    {
        Console.WriteLine($"# catalog scenario ({Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription})");
        await ColdStartAsync();
        await LoadTimeAsync();
        await ReloadLatencyAsync();
        await MemoryPerPluginAsync();
    }

    private static async Task ColdStartAsync()
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "Switchboard.Host.dll");
        var samples = new List<double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run < 7; run++)
        {
            var port = Switchboard.Tests.Infrastructure.LoopbackPort.Free();
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("dotnet",
                [hostDll, "--plugins", BenchPaths.Plugin(""), "--urls", $"http://127.0.0.1:{port}", "--Switchboard:Log:Level=Warning"])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
            while (true)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode == HttpStatusCode.OK)
                        break;
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException)
                {
                }
                await Task.Delay(5);
            }
            samples.Add(watch.Elapsed.TotalMilliseconds);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Report("cold start to healthy (process start → /health 200, shipped plugins)", samples.Skip(1).ToList());
    }

    private static async Task LoadTimeAsync()
    {
        foreach (var (name, folder) in new[]
        {
            ("Calculator", BenchPaths.Plugin("Calculator")),
            ("Log", BenchPaths.Plugin("Log")),
            ("ReloadProbe (own Newtonsoft 13.0.3)", BenchPaths.TestPlugin("ReloadProbe.V1")),
        })
        {
            var samples = new List<double>();
            for (var run = 0; run < 12; run++)
            {
                var root = BenchPaths.TempFolder();
                BenchPaths.Copy(folder, Path.Combine(root, "P"));
                var catalog = NewCatalog(root, watch: false);
                var watch = Stopwatch.StartNew();
                await catalog.StartAsync();
                samples.Add(watch.Elapsed.TotalMilliseconds);
                await catalog.DisposeAsync();
                Directory.Delete(root, true);
            }
            Report($"load one plugin: {name} (first run {samples[0]:0.0} ms, JIT cold)", samples.Skip(2).ToList());
        }
    }

    private static async Task ReloadLatencyAsync()
    {
        var root = BenchPaths.TempFolder();
        var probe = Path.Combine(root, "ReloadProbe");
        BenchPaths.Copy(BenchPaths.TestPlugin("ReloadProbe.V1"), probe);
        var options = new CatalogOptions { PluginsDirectory = root, Watch = true };
        var catalog = NewCatalog(root, watch: true);
        await catalog.StartAsync();
        var pipeline = new InvocationPipeline(catalog, NullLoggerFactory.Instance);
        var samples = new List<double>();
        for (var run = 0; run < 10; run++)
        {
            var next = run % 2 == 0 ? "v2" : "v1";
            BenchPaths.Copy(BenchPaths.TestPlugin(next == "v2" ? "ReloadProbe.V2" : "ReloadProbe.V1"), probe);
            var watch = Stopwatch.StartNew();
            while (true)
            {
                var outcome = await pipeline.InvokeAsync(new Invocation("test.switchboard:probe:1", "identify", new JsonObject(), Protocol.InProcess));
                if (outcome.Output?["variant"]?.GetValue<string>() == next)
                    break;
                await Task.Delay(1);
            }
            samples.Add(watch.Elapsed.TotalMilliseconds);
            await catalog.WaitForUnloadsAsync();
        }
        Report($"reload: last file write → new generation serving (quiet period {options.QuietPeriod.TotalMilliseconds} ms included)", samples);
        await catalog.DisposeAsync();
        Directory.Delete(root, true);
    }

    private static async Task MemoryPerPluginAsync()
    {
        var root = BenchPaths.TempFolder();
        var catalog = NewCatalog(root, watch: false);
        await catalog.StartAsync();
        Settle();
        var heapBefore = GC.GetTotalMemory(true);
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var plugins = new[] { BenchPaths.Plugin("Calculator"), BenchPaths.Plugin("Log"), BenchPaths.TestPlugin("ReloadProbe.V1"), BenchPaths.TestPlugin("JsonOld"), BenchPaths.TestPlugin("JsonNew") };
        foreach (var plugin in plugins)
            BenchPaths.Copy(plugin, Path.Combine(root, Path.GetFileName(plugin).Replace(".V1", "")));
        await catalog.RescanAsync();
        Settle();
        var heapAfter = GC.GetTotalMemory(true);
        Process.GetCurrentProcess().Refresh();
        var rssAfter = Process.GetCurrentProcess().WorkingSet64;
        Console.WriteLine($"memory per loaded plugin ({plugins.Length} plugins): managed heap {(heapAfter - heapBefore) / plugins.Length / 1024.0:0} KiB, " +
                          $"working set {(rssAfter - rssBefore) / plugins.Length / 1024.0 / 1024.0:0.00} MiB");
        await catalog.DisposeAsync();
        Directory.Delete(root, true);
    }

    private static PluginCatalog NewCatalog(string root, bool watch) =>
        new(new CatalogOptions { PluginsDirectory = root, Watch = watch }, new ConfigurationBuilder().Build(), NullLoggerFactory.Instance);

    private static void Settle()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static void Report(string what, List<double> samples)
    {
        samples.Sort();
        Console.WriteLine($"{what}: median {samples[samples.Count / 2]:0.0} ms, min {samples[0]:0.0} ms, max {samples[^1]:0.0} ms (n={samples.Count})");
    }
}
