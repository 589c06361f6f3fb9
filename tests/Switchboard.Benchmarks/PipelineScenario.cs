using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Switchboard.Abstractions;
using Switchboard.Host.Hosting;
using Switchboard.Host.Invocation;

namespace Switchboard.Benchmarks;

/// <summary>The pipeline alone under concurrent callers, as the protocols call it under load: calls per second and the
/// process's CPU time per call (user + system), with no HTTP around it.</summary>
/// <remarks>BenchmarkDotNet's single-threaded figure (<c>--scenario alloc</c>) includes waiting for a pool thread to
/// wake for every call; under load the pool's threads are awake, and what limits a host is the CPU each call takes.</remarks>
internal static class PipelineScenario
{
    // Parsed once, as an adapter hands over the element it parsed: the pipeline's own cost, without a tree built per call.
    private static readonly JsonElement CalculatorInput = JsonDocument.Parse("""{"action":"add","a":5,"b":3}""").RootElement;

    public static async Task RunAsync(string plugins, int callers, int seconds, int rounds)
    {
        var host = SwitchboardApp.Create(["--plugins", plugins, "--urls", "http://127.0.0.1:0", "--Switchboard:Log:Level=Warning", "--Switchboard:Catalog:Watch=false"]);
        await host.StartAsync();
        try
        {
            var pipeline = host.Services.GetRequiredService<InvocationPipeline>();
            Console.WriteLine($"pipeline: io.switchboard:calculator:1 add, {callers} concurrent callers, {seconds} s rounds after a {seconds} s warm-up, {Environment.ProcessorCount} cores");
            await DriveAsync(pipeline, callers, TimeSpan.FromSeconds(seconds));
            for (var round = 1; round <= rounds; round++)
            {
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                var (calls, elapsed) = await DriveAsync(pipeline, callers, TimeSpan.FromSeconds(seconds));
                process.Refresh();
                var cpu = process.TotalProcessorTime - cpuBefore;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round}: {calls / elapsed.TotalSeconds:0} calls/s, {cpu.TotalMicroseconds / calls:0.00} µs of CPU per call ({cpu.TotalSeconds / elapsed.TotalSeconds:0.00} cores busy)"));
            }
        }
        finally
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    private static async Task<(long Calls, TimeSpan Elapsed)> DriveAsync(InvocationPipeline pipeline, int callers, TimeSpan duration)
    {
        long calls = 0;
        var stopwatch = Stopwatch.StartNew();
        var end = stopwatch.Elapsed + duration;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (stopwatch.Elapsed < end)
            {
                var outcome = await pipeline.InvokeAsync(new Invocation(
                    "io.switchboard:calculator:1", null, null, Protocol.InProcess) { InputElement = CalculatorInput });
                if (outcome.Error is { } error)
                    throw new InvalidOperationException($"the call failed: {error.Code} {error.Message}");
                Interlocked.Increment(ref calls);
            }
        })));
        return (calls, stopwatch.Elapsed);
    }
}
