using Serilog.Events;
using Serilog.Formatting;

namespace Switchboard.Host.Logging;

/// <summary>Formats events with their exception written by <see cref="ExceptionText"/> instead of <see cref="Exception.ToString"/>:
/// the JSON format's <c>@x</c>, stack included, with a plugin's megabytes of message capped and its characters escaped.</summary>
internal sealed class CappedExceptionFormatter(ITextFormatter inner, int maxMessageLength) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        if (logEvent.Exception is null)
        {
            inner.Format(logEvent, output);
            return;
        }
        // Line breaks stay: JSON escapes them, and a reader of the JSON gets the stack back line by line.
        var exception = new RenderedException(ExceptionText.Render(logEvent.Exception, maxMessageLength, escapeLineBreaks: false));
        var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, p.Value));
        var copy = logEvent.TraceId is { } traceId && logEvent.SpanId is { } spanId
            ? new LogEvent(logEvent.Timestamp, logEvent.Level, exception, logEvent.MessageTemplate, properties, traceId, spanId)
            : new LogEvent(logEvent.Timestamp, logEvent.Level, exception, logEvent.MessageTemplate, properties);
        inner.Format(copy, output);
    }

    /// <summary>Stands in for the logged exception: formatters write an exception as its <see cref="ToString"/>.</summary>
    private sealed class RenderedException(string text) : Exception
    {
        public override string ToString() => text;
    }
}
