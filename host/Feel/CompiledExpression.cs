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
    private readonly TimeProvider _clock;

    internal CompiledExpression(string source, Node root, IReadOnlyDictionary<string, FeelFunction> functions, TimeProvider clock)
    {
        Source = source;
        _root = root;
        _functions = functions;
        _clock = clock;
    }

    public string Source { get; }

    /// <summary>Evaluates against FEEL values; never throws for data problems (they give null and a warning), nor for an
    /// evaluation that stopped without a value (<see cref="FeelEvaluationException"/>: null, and <see cref="FeelValueResult.Stopped"/> says why).</summary>
    public FeelValueResult EvaluateValue(FeelContext? variables)
    {
        var warnings = new FeelWarnings();
        var budget = new EvaluationBudget(_clock);
        // An expression evaluated inside another's function (a range's text) has a budget of its own, and gives the outer one back.
        var outer = EvaluationBudget.Current;
        EvaluationBudget.Current = budget;
        try
        {
            var value = new Evaluator(_functions, warnings, budget).Evaluate(_root, Scope.Root(variables));
            return new FeelValueResult(value, warnings.Items);
        }
        catch (Exception e) when (StoppedBy(e) is { } stopped)
        {
            warnings.Null(stopped);
            return new FeelValueResult(null, warnings.Items) { Stopped = stopped };
        }
        finally
        {
            EvaluationBudget.Current = outer;
        }
    }

    /// <summary>Evaluates against JSON variables and returns JSON (temporal values as ISO 8601 strings). Data problems
    /// give null and a warning; an evaluation that stopped without a value, or a value too large to write, throws
    /// <see cref="FeelEvaluationException"/>, since a caller would otherwise take that null for the expression's answer.</summary>
    public FeelResult Evaluate(JsonObject? variables)
    {
        var result = EvaluateValue(FeelJson.ToFeel(variables) as FeelContext);
        if (result.Stopped is { } stopped)
            throw new FeelEvaluationException(stopped);
        return new FeelResult(FeelJson.ToJson(result.Value), result.Warnings);
    }

    // Why an evaluation ended without a value, or null for an exception that is not the engine's to answer (out of
    // memory, say). A limit reached inside a function the runtime calls back (sort's precedes function) comes wrapped;
    // arithmetic and conversions the evaluator does not guard against are failures of the expression, never the host's.
    private static string? StoppedBy(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is FeelEvaluationException stopped)
                return stopped.Message;
        return e is ArithmeticException or ArgumentException or InvalidCastException or FormatException or IndexOutOfRangeException
            ? "the evaluation failed: " + e.Message
            : null;
    }
}

/// <summary>A FEEL result as a FEEL value, with the warnings that explain any null.</summary>
public sealed record FeelValueResult(object? Value, IReadOnlyList<string> Warnings)
{
    /// <summary>Why the evaluation stopped without a value (<see cref="FeelEvaluationException"/>); null when it did not. The
    /// value is then null without being FEEL's answer, and a caller for whom null means something (no error) must treat
    /// it as a failure.</summary>
    public string? Stopped { get; init; }
}

/// <summary>A FEEL result as JSON, with the warnings that explain any null.</summary>
public sealed record FeelResult(JsonNode? Value, IReadOnlyList<string> Warnings);
