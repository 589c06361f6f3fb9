using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.RandomNumber;

/// <summary>The smallest useful polling connector: every interval it draws a number and hands it on as an event
/// <c>{"number": 42, "sequence": 7}</c>. The sequence is its cursor, so after a restart it goes on counting where
/// the last published number left off instead of starting again at 1.</summary>
[InboundConnector("io.switchboard:random-number:1", Name = "Random number",
    Description = "Draws a random number every interval and publishes it; an example of a polling connector with a cursor.")]
public sealed class RandomNumberConnector : IPollingConnector<RandomNumberProperties>
{
    public Task<PollResult> PollAsync(RandomNumberProperties properties, string? cursor, IInboundContext context)
    {
        if (properties.Min > properties.Max)
            throw new ConnectorInputException("InvalidRange", $"min ({properties.Min}) is larger than max ({properties.Max})");
        var sequence = long.TryParse(cursor, out var last) ? last + 1 : 1;
        var number = Random.Shared.NextInt64(properties.Min, (long)properties.Max + 1);
        context.Logger.LogDebug("Drew {Number} as number {Sequence}", number, sequence);
        return Task.FromResult(PollResult.Of([new { number, sequence }], sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(properties.IntervalSeconds)));
    }
}
