using Switchboard.Abstractions;
using Switchboard.Core;
using Switchboard.Host.Protocols;

namespace Switchboard.Host.Invocation;

/// <summary>The last calls the pipeline finished, newest first, for the developer dashboard: which connector, over
/// which protocol, how it ended and how long it took. It never holds a call's input or output: only names, the error
/// code and the error's message, which the core has already masked, with a map entry's key in a field's path written
/// <c>{key}</c>.</summary>
public sealed class RecentCalls
{
    /// <summary>How many calls are kept.</summary>
    public const int Capacity = 100;

    // Names from outside (an unknown connector type) are kept capped.
    private const int MaxText = 200;

    private readonly RecentCall[] _ring = new RecentCall[Capacity];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private long _count;

    /// <summary>A list stamped by <paramref name="time"/> (the system clock when null).</summary>
    public RecentCalls(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>How many calls were recorded since the host started; changes whenever one is.</summary>
    public long Version => Interlocked.Read(ref _count);

    /// <summary>Records a finished call.</summary>
    internal void Add(Invocation invocation, string operation, Outcome outcome, TimeSpan elapsed)
    {
        var error = outcome.Error;
        var call = new RecentCall(_time.GetUtcNow(), Capped(invocation.ConnectorType), Capped(operation), invocation.Protocol,
            error is null, Math.Round(elapsed.TotalMilliseconds, 2), error?.Code, error is null ? null : Capped(WithoutMapKeys(error)));
        lock (_lock)
        {
            _ring[_count % Capacity] = call;
            _count++;
        }
    }

    /// <summary>The kept calls, newest first.</summary>
    public IReadOnlyList<RecentCall> Snapshot()
    {
        lock (_lock)
        {
            var kept = (int)Math.Min(_count, Capacity);
            var result = new RecentCall[kept];
            for (var i = 0; i < kept; i++)
                result[i] = _ring[(_count - 1 - i) % Capacity];
            return result;
        }
    }

    private static string Capped(string text) => StatusText.Cut(text, MaxText)!;

    // A field error's path names a map entry by its key, which is the caller's input: kept here as {key}.
    private static string WithoutMapKeys(InvocationError error)
    {
        var message = error.Message;
        foreach (var field in error.FieldErrors)
        {
            if (field.Shape is { } shape)
                message = message.Replace(field.Field, shape, StringComparison.Ordinal);
        }
        return message;
    }
}

/// <summary>One finished call as the dashboard lists it.</summary>
/// <param name="At">When it finished.</param>
/// <param name="Connector">The connector type asked for.</param>
/// <param name="Operation">The operation, <c>(only)</c> for a single-operation connector.</param>
/// <param name="Protocol">The protocol it came in on.</param>
/// <param name="Succeeded">Whether it succeeded.</param>
/// <param name="DurationMs">How long the pipeline took, in milliseconds.</param>
/// <param name="ErrorCode">The error code when it failed.</param>
/// <param name="ErrorMessage">The error's message when it failed, secrets masked.</param>
public readonly record struct RecentCall(DateTimeOffset At, string Connector, string Operation, Protocol Protocol, bool Succeeded, double DurationMs,
    string? ErrorCode, string? ErrorMessage);
