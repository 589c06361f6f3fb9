using Serilog.Core;
using Serilog.Events;

namespace Switchboard.Host.Logging;

/// <summary>Adds an exception, with its stack, as one property on the event's own line: the text format's one line per event.</summary>
/// <param name="maxMessageLength">The cap of each exception's message, as of any value from outside.</param>
internal sealed class ExceptionSummaryEnricher(int maxMessageLength) : ILogEventEnricher
{
    /// <summary>Named apart from the messages' own <c>{Error}</c> values, which the text template would otherwise print twice.</summary>
    public const string PropertyName = "ExceptionSummary";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        // Already escaped and capped as a whole (ExceptionText), and longer than any one value may be: not a string, so
        // the value sanitizer, which would cut it to a value's length, leaves it as it is.
        if (logEvent.Exception is { } exception)
            logEvent.AddPropertyIfAbsent(new LogEventProperty(PropertyName,
                new ScalarValue(new Rendered(" (" + ExceptionText.Render(exception, maxMessageLength, escapeLineBreaks: true) + ")"))));
    }

    private sealed class Rendered(string text)
    {
        public override string ToString() => text;
    }
}
