using System.Text.Json.Nodes;
using Switchboard.Feel.Values;

namespace Switchboard.Feel.Connectors;

/// <summary>Applies a <c>resultExpression</c> header: its context becomes the variables merged into the job completion.</summary>
public static class ResultMapping
{
    /// <summary>Variables from the expression (a header value, with or without the leading '='), or the reason there are none.</summary>
    public static ResultMappingOutcome Apply(string resultExpression, JsonNode? response, FeelEngine? engine = null)
    {
        if (HeaderExpression.Compile(resultExpression, "resultExpression", engine, out var error) is not { } compiled)
            return new ResultMappingOutcome(null, error, []);
        var result = compiled.EvaluateValue(MappingScope.Of(response));
        if (result.Stopped is { } stopped)
            return new ResultMappingOutcome(null, "resultExpression could not be evaluated: " + stopped, result.Warnings);
        return result.Value switch
        {
            FeelContext context => Variables(context, result.Warnings),
            null => new ResultMappingOutcome(null, "resultExpression yielded null, expected a context" + Because(result.Warnings), result.Warnings),
            var other => new ResultMappingOutcome(null, $"resultExpression yielded a {FeelTypes.NameOf(other)}, expected a context", result.Warnings),
        };
    }

    private static ResultMappingOutcome Variables(FeelContext context, IReadOnlyList<string> warnings)
    {
        try
        {
            return new ResultMappingOutcome((JsonObject)FeelJson.ToJson(context)!, null, warnings);
        }
        catch (FeelEvaluationException e)
        {
            return new ResultMappingOutcome(null, "resultExpression yielded a context that cannot be written: " + e.Message, warnings);
        }
    }

    internal static string Because(IReadOnlyList<string> warnings) => warnings.Count == 0 ? "" : " (" + string.Join("; ", warnings) + ")";
}

/// <summary>Result of a result mapping: the variables to merge, or an error message for a job failure without retries.</summary>
public sealed record ResultMappingOutcome(JsonObject? Variables, string? Error, IReadOnlyList<string> Warnings)
{
    public bool Succeeded => Error is null;
}
