namespace Switchboard.Feel;

/// <summary>An expression that gave no value: it does not parse (<see cref="FeelException"/>) or its evaluation
/// stopped (<see cref="FeelEvaluationException"/>).</summary>
/// <remarks>Callers that report either to a user catch this one type and name the expression with <see cref="About"/>,
/// so that each failure reads the same wherever an expression comes from (a task header, an activation property, a
/// webhook's request).</remarks>
public abstract class FeelExpressionException(string message) : Exception(message)
{
    /// <summary>What happened to the expression, as the middle of a sentence: "is not valid FEEL" or "could not be evaluated".</summary>
    public abstract string Verdict { get; }

    /// <summary>The failure as one sentence about the expression <paramref name="subject"/> names, for example
    /// <c>inbound.responseExpression could not be evaluated: ...</c>.</summary>
    /// <param name="subject">Where the expression came from, such as the property that holds it.</param>
    public string About(string subject) => $"{subject} {Verdict}: {Message}";
}
