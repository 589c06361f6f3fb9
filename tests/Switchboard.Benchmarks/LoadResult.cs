namespace Switchboard.Benchmarks;

/// <summary>What driving one target produced: request count over the measured time, latencies and failures.</summary>
internal sealed class LoadResult(string target)
{
    private readonly List<double> _latenciesMs = new();

    public string Target { get; } = target;
    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public TimeSpan Elapsed { get; private set; }

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public void Add(IReadOnlyList<double> latenciesMs, long errors, TimeSpan elapsed)
    {
        _latenciesMs.AddRange(latenciesMs);
        Requests += latenciesMs.Count;
        Errors += errors;
        Elapsed += elapsed;
    }

    /// <summary>The latency below which <paramref name="percent"/> % of the requests finished (nearest rank).</summary>
    public double Percentile(double percent)
    {
        if (_latenciesMs.Count == 0)
            return double.NaN;
        _latenciesMs.Sort();
        var rank = (int)Math.Ceiling(percent / 100 * _latenciesMs.Count) - 1;
        return _latenciesMs[Math.Clamp(rank, 0, _latenciesMs.Count - 1)];
    }
}
