using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Benchmarks;

/// <summary>Drives a target with <c>wrk</c> (Debian package <c>wrk</c>) as a process of its own, as a user would measure
/// it: what the server costs without a load runner sharing its process.</summary>
internal static partial class WrkLoad
{
    /// <summary>What one wrk run measured; <paramref name="CpuMicrosecondsPerRequest"/> is this process's CPU time (every
    /// thread, user and system) across the run divided by the requests served.</summary>
    /// <remarks>Both servers live in this process and only one is loaded at a time, so the CPU time of a run is the loaded
    /// server's, plus what the idle one does meanwhile (timers, metrics). It moves less with the machine's speed than
    /// requests per second do, which also depend on how much of the two cores wrk gets. The collector's figures are this
    /// process's too, per request: bytes allocated, collections of the youngest generation and of the next one (per
    /// thousand requests), and the time the collector paused every thread.</remarks>
    public sealed record Result(string Target, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors, double CpuMicrosecondsPerRequest,
        double BytesPerRequest = double.NaN, double Gen0PerThousand = double.NaN, double Gen1PerThousand = double.NaN, double PauseMicrosecondsPerRequest = double.NaN,
        double WorkItemsPerRequest = double.NaN, double SwitchesPerRequest = double.NaN);

    /// <summary>Runs <c>wrk -t<paramref name="threads"/> -c<paramref name="connections"/> -d<paramref name="duration"/> --latency</c>
    /// posting the target's request; errors are non-2xx answers and socket errors.</summary>
    public static async Task<Result> RunAsync(LoadTarget target, int threads, int connections, TimeSpan duration)
    {
        var script = Path.Combine(Path.GetTempPath(), $"switchboard-wrk-{Guid.NewGuid():N}.lua");
        // A Lua long string holds the body as it is, quotes and backslashes included.
        await File.WriteAllTextAsync(script, $"""
            wrk.method = "POST"
            wrk.headers["Content-Type"] = "application/json"
            wrk.body = [==[{Encoding.UTF8.GetString(target.RequestBody)}]==]
            """);
        try
        {
            var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { $"-t{threads}", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "-s", script, target.Url.ToString() })
                start.ArgumentList.Add(argument);
            var cpuBefore = ProcessCpu();
            var collector = Collector.Now();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var cpu = ProcessCpu() - cpuBefore;
            var collected = Collector.Now() - collector;
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {errors}{output}");
            var result = Parse(target.Name, output, cpu);
            double PerRequest(double value) => result.Requests > 0 ? value / result.Requests : double.NaN;
            return result with
            {
                BytesPerRequest = PerRequest(collected.Allocated), Gen0PerThousand = PerRequest(collected.Gen0 * 1000.0),
                Gen1PerThousand = PerRequest(collected.Gen1 * 1000.0), PauseMicrosecondsPerRequest = PerRequest(collected.Paused.TotalMicroseconds),
                WorkItemsPerRequest = PerRequest(collected.WorkItems), SwitchesPerRequest = PerRequest(collected.Switches),
            };
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("--load wrk needs wrk on PATH (Debian: apt-get install wrk)", e);
        }
        finally
        {
            File.Delete(script);
        }
    }

    // The collector's counters for the whole process; a difference of two readings is what happened between them.
    // With the thread pool's work items run and the context switches of every thread of this process: each hand-over
    // between threads costs a wake-up, which on a virtual machine weighs more than most of what a call computes.
    private readonly record struct Collector(long Allocated, int Gen0, int Gen1, TimeSpan Paused, long WorkItems, long Switches)
    {
        public static Collector Now() =>
            new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.GetTotalPauseDuration(),
                ThreadPool.CompletedWorkItemCount, ContextSwitches());

        public static Collector operator -(Collector after, Collector before) =>
            new(after.Allocated - before.Allocated, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Paused - before.Paused,
                after.WorkItems - before.WorkItems, after.Switches - before.Switches);

        // Linux counts them per thread (/proc/self/task/<tid>/status); threads that ended between readings are not counted.
        private static long ContextSwitches()
        {
            long sum = 0;
            try
            {
                foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
                    try
                    {
                        foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                            if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                                sum += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), CultureInfo.InvariantCulture);
                    }
                    catch (IOException)
                    {
                        // the thread ended meanwhile
                    }
            }
            catch (DirectoryNotFoundException)
            {
                return 0; // not Linux
            }
            return sum;
        }
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static Result Parse(string target, string output, TimeSpan cpu)
    {
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var requests = long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var non2xx = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var socket = SocketErrors().Match(output) is { Success: true } s
            ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture))
            : 0;
        return new Result(target, rps, Percentile(output, "50"), Percentile(output, "99"), requests, non2xx + socket,
            requests > 0 ? cpu.TotalMicroseconds / requests : double.NaN);
    }

    // "     99%    3.10ms" in the --latency distribution; units us, ms or s.
    private static double Percentile(string output, string percent)
    {
        var match = Regex.Match(output, $@"^\s*{percent}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
            return double.NaN;
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
