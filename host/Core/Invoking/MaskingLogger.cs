using Microsoft.Extensions.Logging;
using Switchboard.Abstractions;

namespace Switchboard.Core.Invoking;

/// <summary>The logger a connector gets: writes to the host's log with secret values of the call masked, each event
/// naming the plugin, connector, operation and protocol of the call it was written in (when there is one).</summary>
internal sealed class MaskingLogger(ILogger inner, SecretMasker masker, string? plugin = null, InvocationInfo? call = null) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
            return;
        // Built only when the connector logs: a call that logs nothing costs nothing here.
        using var scope = call is null ? null : inner.BeginScope(new KeyValuePair<string, object?>[]
        {
            new("Plugin", plugin), new("Connector", call.ConnectorType), new("Operation", call.Operation), new("Protocol", call.Protocol.ToString()),
        });
        if (masker.IsEmpty)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }
        // With secrets in play the structured values could carry them too, so only the masked text goes out.
        var message = masker.Apply(formatter(state, exception));
        var error = exception is null ? null : masker.Apply($"{exception.GetType().Name}: {exception.Message}");
        inner.Log(logLevel, eventId, error is null ? message : $"{message} ({error})", null, static (s, _) => s);
    }
}
