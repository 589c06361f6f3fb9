using System.Diagnostics;
using System.Net;
using System.Text;

namespace Switchboard.Benchmarks;

/// <summary>What one load run measured.</summary>
public sealed record LoadResult(string Name, long Requests, long Failures, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{Name,-34} {RequestsPerSecond,10:F0} req/s   p50 {P50Ms,7:F3} ms   p99 {P99Ms,7:F3} ms   failures {Failures}";
}

/// <summary>Settings shared by every scenario so their figures compare.</summary>
public sealed record LoadSettings(int Concurrency, TimeSpan Warmup, TimeSpan Duration);

/// <summary>A closed-loop load generator: N workers each send the next request as soon as the previous answer is read.</summary>
public static class LoadRunner
{
    /// <summary>POSTs <paramref name="body"/> to <paramref name="url"/> until the duration ends; <paramref name="check"/> decides whether an answer is a success.</summary>
    public static async Task<LoadResult> RunAsync(string name, Uri url, string body, Func<HttpStatusCode, string, bool> check, LoadSettings settings)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var payload = Encoding.UTF8.GetBytes(body);

        // The first answer proves the scenario works before anything is measured.
        var (firstStatus, firstText) = await SendAsync(client, url, payload);
        if (!check(firstStatus, firstText))
            throw new InvalidOperationException($"{name}: unexpected answer {(int)firstStatus}: {firstText}");

        await RunPhaseAsync(client, url, payload, check, settings.Concurrency, settings.Warmup, record: false);
        var clock = Stopwatch.StartNew();
        var (latencies, failures) = await RunPhaseAsync(client, url, payload, check, settings.Concurrency, settings.Duration, record: true);
        var elapsed = clock.Elapsed;
        latencies.Sort();
        return new LoadResult(name, latencies.Count, failures, elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    }

    private static async Task<(List<double> Latencies, long Failures)> RunPhaseAsync(
        HttpClient client, Uri url, byte[] payload, Func<HttpStatusCode, string, bool> check, int concurrency, TimeSpan length, bool record)
    {
        var end = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var failures = 0L;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var own = new List<double>(1 << 16);
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, text) = await SendAsync(client, url, payload);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!check(status, text))
                    Interlocked.Increment(ref failures);
                else if (record)
                    own.Add(elapsed);
            }
            return own;
        })).ToArray();
        var all = await Task.WhenAll(workers);
        return (all.SelectMany(l => l).ToList(), failures);
    }

    private static async Task<(HttpStatusCode, string)> SendAsync(HttpClient client, Uri url, byte[] payload)
    {
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(url, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
