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

    /// <summary>Evaluates against FEEL values; never throws for data problems (they give null and a warning).</summary>
    public FeelValueResult EvaluateValue(FeelContext? variables)
    {
        var warnings = new FeelWarnings();
        var value = new Evaluator(_functions, warnings).Evaluate(_root, Scope.Root(variables));
        return new FeelValueResult(value, warnings.Items);
    }

    /// <summary>Evaluates against JSON variables and returns JSON (temporal values as ISO 8601 strings).</summary>
    public FeelResult Evaluate(JsonObject? variables)
    {
        var result = EvaluateValue(FeelJson.ToFeel(variables) as FeelContext);
        return new FeelResult(FeelJson.ToJson(result.Value), result.Warnings);
    }
}

/// <summary>A FEEL result as a FEEL value, with the warnings that explain any null.</summary>
public sealed record FeelValueResult(object? Value, IReadOnlyList<string> Warnings);

/// <summary>A FEEL result as JSON, with the warnings that explain any null.</summary>
public sealed record FeelResult(JsonNode? Value, IReadOnlyList<string> Warnings);
