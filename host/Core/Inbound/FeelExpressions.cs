using System.Text.Json.Nodes;
using Switchboard.Abstractions.Inbound;
using Switchboard.Feel;

namespace Switchboard.Core.Inbound;

/// <summary>The host's FEEL engine offered to inbound connectors as <see cref="IExpressionEvaluator"/>, in the host and the author kit alike.</summary>
internal sealed class FeelExpressions : IExpressionEvaluator
{
    public static readonly FeelExpressions Instance = new();

    public JsonNode? Evaluate(string expression, JsonObject? variables)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            return FeelEngine.Default.Evaluate(expression.StartsWith('=') ? expression[1..] : expression, variables).Value;
        }
        catch (FeelExpressionException e)
        {
            // The contract's one failure for an expression that gives no value, whether it does not parse or was stopped.
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>The inbound contexts' <c>Get&lt;TFeature&gt;()</c>: this evaluator, or null for any other feature.</summary>
    public static TFeature? Feature<TFeature>() where TFeature : class => Instance as TFeature;
}
