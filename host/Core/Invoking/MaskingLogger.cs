using Microsoft.Extensions.Logging;

namespace Switchboard.Core.Invoking;

/// <summary>The logger a connector gets: writes to the host's log with secret values of the call masked.</summary>
internal sealed class MaskingLogger(ILogger inner, SecretMasker masker) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
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
