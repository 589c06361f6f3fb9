using System.Text.Json.Nodes;
using Switchboard.Feel.Evaluation;
using Switchboard.Feel.Syntax;
using Switchboard.Feel.Values;

namespace Switchboard.Feel;

/// <summary>A parsed FEEL expression, safe to evaluate concurrently against many inputs.</summary>
public sealed class CompiledExpression
{
    private readonly Node _root;
    private readonly IReadOnlyDictionary<string, FeelFunction> _functions;

    internal CompiledExpression(string source, Node root, IReadOnlyDictionary<string, FeelFunction> functions)
    {
        Source = source;
        _root = root;
        _functions = functions;
    }

    public string Source { get; }

    /// <summary>Evaluates against FEEL values; never throws for data problems (they give null and a warning), nor for an
    /// expression past its limits (<see cref="FeelLimitException"/>: null, and a warning saying which).</summary>
    public FeelValueResult EvaluateValue(FeelContext? variables)
    {
        var warnings = new FeelWarnings();
        try
        {
            var value = new Evaluator(_functions, warnings).Evaluate(_root, Scope.Root(variables));
            return new FeelValueResult(value, warnings.Items);
        }
        catch (Exception e) when (LimitIn(e) is { } limit)
        {
            warnings.Null(limit.Message);
            return new FeelValueResult(null, warnings.Items) { Limit = limit.Message };
        }
    }

    /// <summary>Evaluates against JSON variables and returns JSON (temporal values as ISO 8601 strings). Data problems
    /// give null and a warning; an evaluation stopped at a limit, or a value too large to write, throws
    /// <see cref="FeelLimitException"/>, since a caller would otherwise take that null for the expression's answer.</summary>
    public FeelResult Evaluate(JsonObject? variables)
    {
        var result = EvaluateValue(FeelJson.ToFeel(variables) as FeelContext);
        if (result.Limit is { } limit)
            throw new FeelLimitException(limit);
        return new FeelResult(FeelJson.ToJson(result.Value), result.Warnings);
    }

    // A limit reached inside a function the runtime calls back (sort's precedes function) comes wrapped.
    internal static FeelLimitException? LimitIn(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is FeelLimitException limit)
                return limit;
        return null;
    }
}

/// <summary>A FEEL result as a FEEL value, with the warnings that explain any null.</summary>
public sealed record FeelValueResult(object? Value, IReadOnlyList<string> Warnings)
{
    /// <summary>Set when the evaluation was stopped at a limit (<see cref="FeelLimitException"/>): the value is then null
    /// without being FEEL's answer, and a caller for whom null means something (no error) must treat it as a failure.</summary>
    public string? Limit { get; init; }
}

/// <summary>A FEEL result as JSON, with the warnings that explain any null.</summary>
public sealed record FeelResult(JsonNode? Value, IReadOnlyList<string> Warnings);
