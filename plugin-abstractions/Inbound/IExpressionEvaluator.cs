using System.Text.Json.Nodes;

namespace Switchboard.Abstractions.Inbound;

/// <summary>Evaluates a FEEL expression with the host's engine, the one that evaluates every other expression of an
/// activation, so a connector reads its expression-valued properties as Camunda's runtime would.</summary>
/// <remarks>Get it with <c>context.Get&lt;IExpressionEvaluator&gt;()</c>.</remarks>
public interface IExpressionEvaluator
{
    /// <summary>The value of <paramref name="expression"/> (with or without its leading <c>=</c>) over
    /// <paramref name="variables"/>; null when FEEL gives null.</summary>
    /// <exception cref="FormatException">The expression is not valid FEEL (the message says where), or its evaluation
    /// went past the host's limits on work and size (the message says which).</exception>
    JsonNode? Evaluate(string expression, JsonObject? variables);
}
