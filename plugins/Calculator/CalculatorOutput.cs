namespace Switchboard.Plugins.Calculator;

/// <summary>The result, with the action that produced it.</summary>
public sealed record CalculatorOutput(double Result, CalculatorAction Action);
