using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.Connectors;

/// <summary>Camunda's connector FEEL functions <c>bpmnError</c>, <c>jobError</c>, <c>ignoreError</c> and <c>backoff</c>, returning the same contexts.</summary>
public static class ConnectorFunctions
{
    public const string ErrorType = "errorType";

    /// <summary>The functions whose only use is to raise an error (or ignore one): a warning from one of them means an
    /// error was asked for and could not be made, which must not read as "no error".</summary>
    public static bool IsErrorFunctionWarning(string warning) =>
        warning.StartsWith("bpmnError:", StringComparison.Ordinal) || warning.StartsWith("jobError:", StringComparison.Ordinal)
        || warning.StartsWith("ignoreError:", StringComparison.Ordinal);

    public static IEnumerable<FeelFunction> All() =>
    [
        Define("bpmnError", "code, message, variables", BpmnError, required: 2),
        Define("jobError", "message, variables, retries, retryBackoff", JobError, required: 1),
        Define("ignoreError", "variables", IgnoreError, required: 0),
        Define("backoff", "attempt, minDelay, factor, maxDelay, jitterFactor", Backoff, required: 1),
    ];

    private static object? BpmnError(object?[] a, FeelWarnings w)
    {
        if (a[0] is not string code || a[1] is not string message)
            return w.Null("bpmnError: parameters 'code' and 'message' must be strings");
        var error = new FeelContext(4);
        error.Set(ErrorType, "bpmnError");
        error.Set("code", code);
        error.Set("message", message);
        return WithVariables(error, a, 2, w);
    }

    /// <summary>Adds the optional <c>variables</c> argument, which must be a context when given.</summary>
    private static object? WithVariables(FeelContext result, object?[] a, int index, FeelWarnings w)
    {
        if (!a.Given(index))
            return result;
        if (a[index] is not FeelContext variables)
            return w.Null($"{result[ErrorType]}: parameter 'variables' must be a context");
        result.Set("variables", variables);
        return result;
    }

    private static object? JobError(object?[] a, FeelWarnings w)
    {
        if (a[0] is not string message)
            return w.Null("jobError: parameter 'message' must be a string");
        var variables = a.Given(1) ? a[1] as FeelContext : new FeelContext(0);
        var retries = a.Given(2) ? a[2] as decimal? : 0m;
        // A duration, or its ISO text ("PT1S") as the context form's retryBackoff takes it.
        var backoff = !a.Given(3) ? TimeSpan.Zero : a[3] is string text ? FeelIso.ParseDuration(text) as TimeSpan? : a[3] as TimeSpan?;
        if (variables is null || retries is null || backoff is null)
            return w.Null("jobError: 'variables' must be a context, 'retries' a number and 'retryBackoff' a days-time duration");
        var error = new FeelContext(5);
        error.Set(ErrorType, "jobError");
        error.Set("message", message);
        error.Set("variables", variables);
        error.Set("retries", retries);
        error.Set("retryBackoff", backoff);
        return error;
    }

    private static object? IgnoreError(object?[] a, FeelWarnings w)
    {
        var result = new FeelContext(2);
        result.Set(ErrorType, "ignoreError");
        return WithVariables(result, a, 0, w);
    }

    /// <summary>Exponential backoff: minDelay·factor^(attempt−1) clamped to [minDelay, maxDelay], ± jitter; defaults as the Zeebe client's.</summary>
    private static object? Backoff(object?[] a, FeelWarnings w)
    {
        if (Int(a[0]) is not { } attempt || attempt < 1)
            return w.Null("backoff: 'attempt' must be a whole number >= 1");
        var min = a.Given(1) ? a[1] as TimeSpan? : TimeSpan.FromMilliseconds(50);
        var factor = a.Given(2) ? a[2] as decimal? : 1.6m;
        var max = a.Given(3) ? a[3] as TimeSpan? : TimeSpan.FromSeconds(5);
        var jitter = a.Given(4) ? a[4] as decimal? : 0.1m;
        if (min is null || max is null || factor is not > 0 || jitter is not >= 0 || min > max)
            return w.Null("backoff: expects durations minDelay <= maxDelay, factor > 0 and jitterFactor >= 0");
        var raw = min.Value.TotalMilliseconds * Math.Pow((double)factor, attempt - 1);
        var clamped = Math.Clamp(raw, min.Value.TotalMilliseconds, max.Value.TotalMilliseconds);
        var spread = (double)jitter * clamped;
        var delay = clamped + (spread > 0 ? (Random.Shared.NextDouble() * 2 - 1) * spread : 0);
        return TimeSpan.FromMilliseconds(Math.Round(delay));
    }
}
