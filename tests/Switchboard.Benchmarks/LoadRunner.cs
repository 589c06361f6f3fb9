using System.Diagnostics;
using System.Net.Http.Headers;

namespace Switchboard.Benchmarks;

/// <summary>A closed-loop load generator like wrk: N workers, each on its own keep-alive connection, sending the next request when the last is answered.</summary>
internal static class LoadRunner
{
    /// <summary>Drives <paramref name="target"/> for <paramref name="duration"/>; the latencies of every answered request and the failures.</summary>
    public static async Task<(List<double> LatenciesMs, long Errors, TimeSpan Elapsed)> DriveAsync(LoadTarget target, int connections, TimeSpan duration)
    {
        var clients = Enumerable.Range(0, connections).Select(_ => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        }) { Timeout = TimeSpan.FromSeconds(30) }).ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            var deadline = duration;
            var workers = clients.Select(client => Task.Run(() => WorkAsync(client, target, clock, deadline))).ToArray();
            var results = await Task.WhenAll(workers);
            var elapsed = clock.Elapsed;
            return (results.SelectMany(r => r.Latencies).ToList(), results.Sum(r => r.Errors), elapsed);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<(List<double> Latencies, long Errors)> WorkAsync(HttpClient client, LoadTarget target, Stopwatch clock, TimeSpan deadline)
    {
        var latencies = new List<double>(capacity: 64 * 1024);
        long errors = 0;
        var contentType = new MediaTypeHeaderValue("application/json");
        while (clock.Elapsed < deadline)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(target.RequestBody) };
                request.Content.Headers.ContentType = contentType;
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                if ((int)response.StatusCode != target.ExpectedStatus || body.Length != target.ExpectedLength)
                {
                    if (errors++ == 0)
                        Console.Error.WriteLine($"{target.Name}: unexpected answer {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 500)))}");
                    continue;
                }
            }
            catch (HttpRequestException e)
            {
                if (errors++ == 0)
                    Console.Error.WriteLine($"{target.Name}: request failed: {e.Message} {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
                continue;
            }
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return (latencies, errors);
    }
}
