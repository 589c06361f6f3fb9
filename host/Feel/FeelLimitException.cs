namespace Switchboard.Feel;

/// <summary>An evaluation stopped because it went past the work or the size one FEEL expression may take.</summary>
/// <remarks>
/// Expressions come from process models and requests, so they may be hostile or simply wrong:
/// <c>for i in 1..1000000000 return i</c> would otherwise hold a thread and fill the memory, and a result nested
/// thousands deep would overflow the stack when written as JSON, which ends the process. Unlike the data problems
/// that make a value null with a warning, this ends the whole evaluation: a part of it cut short would give a
/// result that looks right and is not. <see cref="CompiledExpression"/> turns it into a null result whose warning
/// says why.
/// </remarks>
public sealed class FeelLimitException(string problem) : Exception(problem);
