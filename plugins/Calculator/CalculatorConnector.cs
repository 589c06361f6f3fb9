using Switchboard.Abstractions;
using Switchboard.Abstractions.Spiff;

namespace Switchboard.Plugins.Calculator;

/// <summary>Adds, subtracts, multiplies or divides two numbers: the smallest complete connector.</summary>
[Connector("io.switchboard:calculator:1",
    Name = "Calculator",
    Description = "Adds, subtracts, multiplies or divides two numbers.",
    Icon = "calculator.svg",
    Keywords = ["arithmetic", "add", "subtract", "multiply", "divide", "math"])]
[SpiffCommand("calculator/Calculate")]
public sealed class CalculatorConnector
{
    /// <summary>Applies the action to a and b.</summary>
    [Operation]
    public CalculatorOutput Calculate(CalculatorInput input)
    {
        var result = input.Action switch
        {
            CalculatorAction.Add => input.A + input.B,
            CalculatorAction.Subtract => input.A - input.B,
            CalculatorAction.Multiply => input.A * input.B,
            CalculatorAction.Divide when input.B == 0 =>
                // An input error: the same numbers will never divide, so no protocol should retry.
                throw new ConnectorInputException("DivisionByZero", "cannot divide by zero: b is 0") { Field = "b" },
            CalculatorAction.Divide => input.A / input.B,
            _ => throw new ConnectorInputException("UnknownAction", $"unknown action {input.Action}") { Field = "action" },
        };
        if (!double.IsFinite(result))
            // The inputs were finite, so the result left the range of a double: the same numbers always will.
            throw new ConnectorInputException("Overflow", $"the result of {input.Action.ToString().ToLowerInvariant()} is beyond ±1.8e308, the range of a number");
        return new CalculatorOutput(result, input.Action);
    }
}
