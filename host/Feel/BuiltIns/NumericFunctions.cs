using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL numeric functions.</summary>
public static class NumericFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("decimal", "n, scale", (a, w) => Round(a, w, MidpointRounding.ToEven)),
        Define("floor", "n, scale", (a, w) => Round(a, w, MidpointRounding.ToNegativeInfinity), required: 1),
        Define("ceiling", "n, scale", (a, w) => Round(a, w, MidpointRounding.ToPositiveInfinity), required: 1),
        Define("round up", "n, scale", (a, w) => Round(a, w, MidpointRounding.AwayFromZero, directed: true)),
        Define("round down", "n, scale", (a, w) => Round(a, w, MidpointRounding.ToZero)),
        Define("round half up", "n, scale", (a, w) => Round(a, w, MidpointRounding.AwayFromZero)),
        Define("round half down", "n, scale", (a, w) => Round(a, w, MidpointRounding.ToZero, halfDown: true)),
        Define("abs", "n", (a, w) => a[0] switch { decimal d => Math.Abs(d), TimeSpan t => t.Duration(), YearsMonthsDuration y => new YearsMonthsDuration(Math.Abs(y.TotalMonths)), _ => w.Null("abs expects a number") }),
        Define("modulo", "dividend, divisor", Modulo),
        Define("sqrt", "number", (a, w) => a[0] is decimal d && d >= 0 ? (decimal)Math.Sqrt((double)d) : w.Null("sqrt expects a non-negative number")),
        Define("log", "number", (a, w) => a[0] is decimal d && d > 0 ? (decimal)Math.Log((double)d) : w.Null("log expects a positive number")),
        Define("exp", "number", (a, w) => a[0] is decimal d ? (decimal)Math.Exp((double)d) : w.Null("exp expects a number")),
        Define("odd", "number", (a, w) => a[0] is decimal d && d == decimal.Truncate(d) ? d % 2 != 0 : w.Null("odd expects a whole number")),
        Define("even", "number", (a, w) => a[0] is decimal d && d == decimal.Truncate(d) ? d % 2 == 0 : w.Null("even expects a whole number")),
        // Camunda's extension: a number from 0 (included) to 1 (excluded).
        Define("random number", "", (_, _) => (decimal)Random.Shared.NextDouble()),
    ];

    private static object? Round(object?[] a, FeelWarnings w, MidpointRounding mode, bool directed = false, bool halfDown = false)
    {
        var scale = a.Given(1) ? Int(a[1]) : 0;
        if (a[0] is not decimal n || scale is not { } s || s is < -28 or > 28)
            return w.Null("expects a number and a whole-number scale");
        if (s < 0)
        {
            var factor = (decimal)Math.Pow(10, -s);
            return Round([n / factor, 0m], w, mode, directed, halfDown) is decimal r ? r * factor : null;
        }
        if (halfDown)
        {
            // Half down: the midpoint goes toward zero, everything else to the nearest.
            var nearest = Math.Round(n, s, MidpointRounding.AwayFromZero);
            var candidate = Math.Round(n, s, MidpointRounding.ToZero);
            return Math.Abs(n - candidate) == Math.Abs(nearest - n) ? candidate : nearest;
        }
        if (directed)
        {
            var down = Math.Round(n, s, MidpointRounding.ToZero);
            return down == n ? n : down + (n > 0 ? 1 : -1) * (decimal)Math.Pow(10, -s);
        }
        return Math.Round(n, s, mode);
    }

    private static object? Modulo(object?[] a, FeelWarnings w)
    {
        if (a[0] is not decimal dividend || a[1] is not decimal divisor)
            return w.Null("modulo expects two numbers");
        if (divisor == 0)
            return w.Null("modulo by zero");
        // FEEL's modulo takes the divisor's sign: modulo(-12, 5) = 3.
        return dividend - divisor * Math.Floor(dividend / divisor);
    }
}
