using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;

namespace Switchboard.Host.Connectors;

/// <summary>How many calls one connector may run at once, and how many more may wait for a slot.</summary>
/// <param name="MaxConcurrentCalls">Calls running at once.</param>
/// <param name="MaxQueuedCalls">Calls waiting (oldest first, each within its own timeout); beyond this a call is answered <c>Busy</c>.</param>
public sealed record ConcurrencyLimits(int MaxConcurrentCalls, int MaxQueuedCalls)
{
    /// <summary>64 running, 1,000 waiting.</summary>
    public static ConcurrencyLimits Default { get; } = new(64, 1000);

    /// <summary>The catalog-wide limits overridden by a plugin's own <c>MaxConcurrentCalls</c> and <c>MaxQueuedCalls</c> settings.</summary>
    public ConcurrencyLimits With(IConfiguration plugin) => new(
        Positive(plugin["MaxConcurrentCalls"]) ?? MaxConcurrentCalls,
        NonNegative(plugin["MaxQueuedCalls"]) ?? MaxQueuedCalls);

    internal ConcurrencyLimiter CreateLimiter() => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = MaxConcurrentCalls,
        QueueLimit = MaxQueuedCalls,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private static int? Positive(string? text) => int.TryParse(text, out var value) && value > 0 ? value : null;

    private static int? NonNegative(string? text) => int.TryParse(text, out var value) && value >= 0 ? value : null;
}
