using Serilog.Core;
using Serilog.Events;

namespace Switchboard.Host.Logging;

/// <summary>Adds an exception's type and message as one property, so every event stays on one console line.</summary>
internal sealed class ExceptionSummaryEnricher : ILogEventEnricher
{
    /// <summary>Named apart from the messages' own <c>{Error}</c> values, which the text template would otherwise print twice.</summary>
    public const string PropertyName = "ExceptionSummary";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Exception is { } exception)
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(PropertyName, $" ({exception.GetType().Name}: {exception.Message})"));
    }
}
