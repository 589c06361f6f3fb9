using Serilog.Core;
using Serilog.Events;

namespace Switchboard.Host.Logging;

/// <summary>Adds an exception's type and message as one property, so every event stays on one console line.</summary>
internal sealed class ExceptionSummaryEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Exception is { } exception)
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("Error", $"{exception.GetType().Name}: {exception.Message}"));
    }
}
