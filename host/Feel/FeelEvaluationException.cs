namespace Switchboard.Feel;

/// <summary>An evaluation that stopped without a value: it went past the work, time or nesting one FEEL expression may
/// take, or its result was too large to write, or it met a failure that no FEEL rule turns into null.</summary>
/// <remarks>
/// Expressions come from process models, activations and requests, so they may be hostile or simply wrong:
/// <c>for i in 1..1000000000 return i</c> would otherwise hold a thread and fill the memory, and a value nested
/// thousands deep would overflow the stack when compared, printed or written as JSON, which ends the process. Unlike
/// the data problems that make a value null with a warning, this ends the whole evaluation: a part of it cut short
/// would give a result that looks right and is not. <see cref="CompiledExpression.EvaluateValue"/> turns it into a
/// null value with <see cref="FeelValueResult.Stopped"/> saying why; <see cref="CompiledExpression.Evaluate"/> throws it.
/// </remarks>
public sealed class FeelEvaluationException(string problem) : FeelExpressionException(problem)
{
    /// <inheritdoc/>
    public override string Verdict => "could not be evaluated";
}
