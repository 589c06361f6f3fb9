using Switchboard.Feel.Values;

namespace Switchboard.Feel.Evaluation;

/// <summary>FEEL arithmetic on numbers, strings and temporal values; anything else (or null) gives null.</summary>
public static class Arithmetic
{
    public static object? Apply(string op, object? left, object? right, FeelWarnings warnings)
    {
        if (left is null || right is null)
            return null;
        try
        {
            return (op, left, right) switch
            {
                ("+", decimal a, decimal b) => a + b,
                ("-", decimal a, decimal b) => a - b,
                ("*", decimal a, decimal b) => a * b,
                ("/", decimal, 0m) => warnings.Null("division by zero"),
                ("/", decimal a, decimal b) => a / b,
                ("**", decimal a, decimal b) => Power(a, b),
                ("+", string a, string b) => a + b,
                ("+", TimeSpan a, TimeSpan b) => a + b,
                ("-", TimeSpan a, TimeSpan b) => a - b,
                ("*", TimeSpan a, decimal b) => TimeSpan.FromTicks((long)(a.Ticks * b)),
                ("*", decimal a, TimeSpan b) => TimeSpan.FromTicks((long)(b.Ticks * a)),
                ("/", TimeSpan, 0m) => warnings.Null("division by zero"),
                ("/", TimeSpan a, decimal b) => TimeSpan.FromTicks((long)(a.Ticks / b)),
                ("/", TimeSpan a, TimeSpan b) when b.Ticks != 0 => (decimal)a.Ticks / b.Ticks,
                ("+", YearsMonthsDuration a, YearsMonthsDuration b) => new YearsMonthsDuration(checked(a.TotalMonths + b.TotalMonths)),
                ("-", YearsMonthsDuration a, YearsMonthsDuration b) => new YearsMonthsDuration(checked(a.TotalMonths - b.TotalMonths)),
                ("*", YearsMonthsDuration a, decimal b) => new YearsMonthsDuration((int)(a.TotalMonths * b)),
                ("+", DateOnly a, TimeSpan b) => DateOnly.FromDateTime(a.ToDateTime(TimeOnly.MinValue) + b),
                ("-", DateOnly a, TimeSpan b) => DateOnly.FromDateTime(a.ToDateTime(TimeOnly.MinValue) - b),
                ("+", TimeSpan a, DateOnly b) => DateOnly.FromDateTime(b.ToDateTime(TimeOnly.MinValue) + a),
                ("+", DateOnly a, YearsMonthsDuration b) => a.AddMonths(b.TotalMonths),
                ("-", DateOnly a, YearsMonthsDuration b) => a.AddMonths(-b.TotalMonths),
                ("-", DateOnly a, DateOnly b) => TimeSpan.FromDays(a.DayNumber - b.DayNumber),
                ("+", FeelDateTime a, TimeSpan b) => a with { Value = a.Value + b },
                ("-", FeelDateTime a, TimeSpan b) => a with { Value = a.Value - b },
                ("+", TimeSpan a, FeelDateTime b) => b with { Value = b.Value + a },
                ("+", FeelDateTime a, YearsMonthsDuration b) => a with { Value = a.Value.AddMonths(b.TotalMonths) },
                ("-", FeelDateTime a, YearsMonthsDuration b) => a with { Value = a.Value.AddMonths(-b.TotalMonths) },
                ("-", FeelDateTime a, FeelDateTime b) => a.Utc - b.Utc,
                ("+", FeelTime a, TimeSpan b) => a with { Value = a.Value.Add(b) },
                ("-", FeelTime a, TimeSpan b) => a with { Value = a.Value.Add(-b) },
                ("-", FeelTime a, FeelTime b) => (a.Value.ToTimeSpan() - (a.Offset ?? TimeSpan.Zero)) - (b.Value.ToTimeSpan() - (b.Offset ?? TimeSpan.Zero)),
                _ => warnings.Null($"cannot apply '{op}' to {FeelTypes.NameOf(left)} and {FeelTypes.NameOf(right)}"),
            };
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return warnings.Null($"'{op}' is out of range");
        }
        catch (DivideByZeroException)
        {
            // 0 ** -1: null, as a division by zero is, rather than the whole evaluation stopped.
            return warnings.Null("division by zero");
        }
    }

    public static object? Negate(object? value, FeelWarnings warnings) => value switch
    {
        null => null,
        decimal d => -d,
        TimeSpan t => -t,
        YearsMonthsDuration y => new YearsMonthsDuration(checked(-y.TotalMonths)),
        _ => warnings.Null($"cannot negate {FeelTypes.NameOf(value)}"),
    };

    private static decimal Power(decimal value, decimal exponent)
    {
        if (exponent == decimal.Truncate(exponent) && Math.Abs(exponent) <= 1000)
        {
            var result = 1m;
            for (var i = 0; i < Math.Abs(exponent); i++)
                result *= value;
            return exponent < 0 ? 1m / result : result;
        }
        return (decimal)Math.Pow((double)value, (double)exponent);
    }
}
