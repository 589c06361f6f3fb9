using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Switchboard.Plugins.Calculator;

/// <summary>What to calculate.</summary>
public sealed class CalculatorInput
{
    /// <summary>The arithmetic to apply.</summary>
    [Required, Description("What to do with a and b.")]
    public CalculatorAction Action { get; set; }

    /// <summary>Left operand.</summary>
    [Required, Description("The first number.")]
    public double A { get; set; }

    /// <summary>Right operand.</summary>
    [Required, Description("The second number.")]
    public double B { get; set; }
}

/// <summary>The four actions; on the wire they are add, subtract, multiply and divide.</summary>
public enum CalculatorAction
{
    Add,
    Subtract,
    Multiply,
    Divide,
}
