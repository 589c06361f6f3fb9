namespace Switchboard.Feel;

/// <summary>A FEEL expression that cannot be parsed; names the position (1-based line and column) and the problem.</summary>
public sealed class FeelException : FeelExpressionException
{
    public FeelException(string problem, string expression, int offset)
        : base(Describe(problem, expression, offset))
    {
        Problem = problem;
        Offset = offset;
        (Line, Column) = Locate(expression, offset);
    }

    /// <inheritdoc/>
    public override string Verdict => "is not valid FEEL";

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>Zero-based character offset into the expression.</summary>
    public int Offset { get; }

    public int Line { get; }

    public int Column { get; }

    private static string Describe(string problem, string expression, int offset)
    {
        var (line, column) = Locate(expression, offset);
        return $"FEEL syntax error at line {line}, column {column}: {problem}";
    }

    private static (int Line, int Column) Locate(string expression, int offset)
    {
        int line = 1, column = 1;
        for (var i = 0; i < offset && i < expression.Length; i++)
        {
            if (expression[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return (line, column);
    }
}
