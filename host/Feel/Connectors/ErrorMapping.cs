using System.Text.Json.Nodes;
using Switchboard.Feel.Values;

namespace Switchboard.Feel.Connectors;

/// <summary>Applies an <c>errorExpression</c> header after a connector call, on success and on failure alike.</summary>
public static class ErrorMapping
{
    /// <summary>
    /// Evaluates with the output's fields and <c>response</c> in scope (on failure: <c>error.code</c>, <c>error.message</c> and <c>error.variables</c>),
    /// plus <c>job.retries</c>, and decides by the result's <c>errorType</c>.
    /// </summary>
    public static ErrorDecision Decide(string errorExpression, JsonNode? response, ConnectorFailure? failure, int retries, FeelEngine? engine = null)
    {
        if (HeaderExpression.Compile(errorExpression, "errorExpression", engine, out var invalid) is not { } compiled)
            return new ErrorDecision.Invalid(invalid!);
        var scope = MappingScope.Of(failure is null ? response : null);
        if (failure is not null)
        {
            var error = new FeelContext(3);
            error.Set("code", failure.Code);
            error.Set("message", failure.Message);
            if (failure.Variables is not null)
                error.Set("variables", FeelJson.ToFeel(failure.Variables));
            scope.Set("error", error);
        }
        var job = new FeelContext(1);
        job.Set("retries", (decimal)retries);
        scope.Set("job", job);
        var evaluated = compiled.EvaluateValue(scope);
        // Stopped at a limit is no answer; read as "no error", a failure would pass as a success.
        if (evaluated.Stopped is { } stopped)
            return new ErrorDecision.Invalid("errorExpression could not be evaluated: " + stopped);
        // bpmnError or jobError called with an argument of the wrong type gives null: an error was asked for, and read as
        // "no error" the job completed as a success.
        if (evaluated.Value is null && evaluated.Warnings.FirstOrDefault(ConnectorFunctions.IsErrorFunctionWarning) is { } refused)
            return new ErrorDecision.Invalid("errorExpression asked for an error that could not be made: " + refused);
        try
        {
            return Interpret(evaluated.Value);
        }
        catch (FeelEvaluationException e)
        {
            return new ErrorDecision.Invalid("errorExpression yielded variables that cannot be written: " + e.Message);
        }
    }

    private static ErrorDecision Interpret(object? result)
    {
        if (result is null || result is FeelContext { Count: 0 })
            return new ErrorDecision.None();
        if (result is not FeelContext context)
            return new ErrorDecision.Invalid($"errorExpression yielded a {FeelTypes.NameOf(result)}, expected a context or null");
        var variables = context["variables"] is FeelContext v ? (JsonObject)FeelJson.ToJson(v)! : [];
        // A field of the wrong type is an invalid expression, not a field left out: read as absent, {code: 5} or
        // {errorType: 5, ...} let the job complete (or throw an error not asked for), and a retryBackoff that is no
        // duration became none at all.
        var errorType = context[ConnectorFunctions.ErrorType];
        if (errorType is not (null or string))
            return Wrong("errorType", errorType, "a string");
        switch ((string?)errorType)
        {
            case "jobError":
                var retries = context["retries"];
                if (retries is not (null or decimal))
                    return Wrong("retries", retries, "a number");
                TimeSpan backoff;
                switch (context["retryBackoff"])
                {
                    case null: backoff = TimeSpan.Zero; break;
                    case TimeSpan t: backoff = t; break;
                    case string s when FeelIso.ParseDuration(s) is TimeSpan t: backoff = t; break;
                    case string s: return new ErrorDecision.Invalid($"errorExpression yielded the retryBackoff '{s}', which is no ISO-8601 duration (such as PT30S)");
                    case var other: return Wrong("retryBackoff", other, "a duration");
                }
                return new ErrorDecision.JobError(Text(context, "message", "errorMessage") ?? "", variables,
                    retries is decimal r ? (int)Math.Clamp(decimal.Truncate(r), 0, int.MaxValue) : 0, backoff < TimeSpan.Zero ? TimeSpan.Zero : backoff);
            case "ignoreError":
                return new ErrorDecision.Ignore(variables);
            case "bpmnError" or null:
                // A context without errorType but with a code is the older bpmnError shape; without a code it is no error.
                var code = context["code"] ?? context["errorCode"];
                if (code is not (null or string))
                    return Wrong("code", code, "a string");
                if (string.IsNullOrEmpty((string?)code))
                    return new ErrorDecision.None();
                return new ErrorDecision.BpmnError((string)code, Text(context, "message", "errorMessage") ?? "", variables);
            case var other:
                return new ErrorDecision.Invalid($"errorExpression yielded unknown errorType '{other}'");
        }
    }

    private static ErrorDecision.Invalid Wrong(string field, object value, string expected) =>
        new($"errorExpression yielded a {field} that is a {FeelTypes.NameOf(value)}, not {expected}");

    private static string? Text(FeelContext context, string key, string alternative) =>
        context[key] as string ?? context[alternative] as string;
}

/// <summary>A connector failure as the error expression sees it: <c>error.code</c>, <c>error.message</c> and, when the
/// connector gave details, <c>error.variables</c> (Camunda's REST connector puts <c>{response: {headers, body}}</c> there).</summary>
public sealed record ConnectorFailure(string Code, string Message, JsonNode? Variables = null);
