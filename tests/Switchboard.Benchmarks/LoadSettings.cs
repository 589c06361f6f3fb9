namespace Switchboard.Benchmarks;

/// <summary>How hard and how long to drive each target; the same for every target of a run.</summary>
internal sealed record LoadSettings(int Connections, TimeSpan Warmup, TimeSpan Duration, int Rounds)
{
    public override string ToString() =>
        $"{Connections} connections (one keep-alive HTTP/1.1 connection per worker), {Warmup.TotalSeconds:0} s warm-up, {Rounds} x {Duration.TotalSeconds:0} s per target, rounds alternating";
}
