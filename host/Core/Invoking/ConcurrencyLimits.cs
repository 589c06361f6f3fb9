using System.Globalization;
using System.Threading.RateLimiting;
using Switchboard.Core.Outcomes;
using Switchboard.Core.Describing;
using Microsoft.Extensions.Configuration;

namespace Switchboard.Core.Invoking;

/// <summary>How many calls one connector may run at once, and how many more may wait for a slot: the same rule in the
/// host and in the author kit.</summary>
/// <param name="MaxConcurrentCalls">Calls running at once.</param>
/// <param name="MaxQueuedCalls">Calls waiting (oldest first, each within its own timeout); beyond this a call is answered <c>Busy</c>.</param>
internal sealed record ConcurrencyLimits(int MaxConcurrentCalls, int MaxQueuedCalls)
{
    /// <summary>64 running, 1,000 waiting.</summary>
    public static ConcurrencyLimits Default { get; } = new(64, 1000);

    /// <summary>The catalog-wide limits overridden by a plugin's own <c>MaxConcurrentCalls</c> and <c>MaxQueuedCalls</c>
    /// settings; a setting that is not a whole number in range fails the plugin's load, naming it (a limit silently
    /// dropped would run the plugin with more calls than its operator allowed).</summary>
    public ConcurrencyLimits With(IConfiguration plugin) => new(
        Whole(plugin, "MaxConcurrentCalls", minimum: 1) ?? MaxConcurrentCalls,
        Whole(plugin, "MaxQueuedCalls", minimum: 0) ?? MaxQueuedCalls);

    internal ConcurrencyLimiter CreateLimiter() => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = MaxConcurrentCalls,
        QueueLimit = MaxQueuedCalls,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private static int? Whole(IConfiguration plugin, string key, int minimum)
    {
        var text = plugin[key];
        if (text is null)
            return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum)
            return value;
        var path = plugin is IConfigurationSection section ? $"{section.Path}:{key}" : key;
        throw new PluginLoadException($"{path} must be a whole number of at least {minimum}, not '{EscapedText.Of(text, 100)}'");
    }
}
