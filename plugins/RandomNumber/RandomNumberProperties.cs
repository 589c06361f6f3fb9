using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Switchboard.Abstractions;

namespace Switchboard.Plugins.RandomNumber;

/// <summary>The activation's properties: the range the numbers are drawn from and how often.</summary>
public sealed class RandomNumberProperties
{
    [Parameter("min"), Range(int.MinValue, int.MaxValue), Description("The smallest number drawn.")]
    public int Min { get; set; } = 1;

    [Parameter("max"), Range(int.MinValue, int.MaxValue), Description("The largest number drawn.")]
    public int Max { get; set; } = 100;

    // The host waits at least 0.1 s between two polls (its PollWait.Shortest): a shorter interval is refused, not
    // silently lengthened.
    [Parameter("intervalSeconds"), Range(0.1, 86_400), Description("Seconds between two numbers, from 0.1 (the shortest wait between two polls) to 86400.")]
    public double IntervalSeconds { get; set; } = 5;
}
