namespace Switchboard.Feel.Values;

/// <summary>FEEL equality and ordering: null when the operands are not comparable (three-valued logic).</summary>
public static class FeelComparison
{
    public static bool? Equal(object? left, object? right)
    {
        FeelNesting.Enter();
        if (left is null || right is null)
            return left is null && right is null;
        switch (left, right)
        {
            case (decimal a, decimal b): return a == b;
            case (string a, string b): return string.Equals(a, b, StringComparison.Ordinal);
            case (bool a, bool b): return a == b;
            case (List<object?> a, List<object?> b):
                if (a.Count != b.Count)
                    return false;
                for (var i = 0; i < a.Count; i++)
                {
                    var e = Equal(a[i], b[i]);
                    if (e != true)
                        return e;
                }
                return true;
            case (FeelContext a, FeelContext b):
                if (a.Count != b.Count)
                    return false;
                foreach (var (key, value) in a.Entries())
                {
                    if (!b.TryGet(key, out var other))
                        return false;
                    var e = Equal(value, other);
                    if (e != true)
                        return e;
                }
                return true;
            case (FeelRange a, FeelRange b):
                return a.StartIncluded == b.StartIncluded && a.EndIncluded == b.EndIncluded && Equal(a.Start, b.Start) == true && Equal(a.End, b.End) == true;
            default:
                return Compare(left, right) is { } c ? c == 0 : null;
        }
    }

    public static int? Compare(object? left, object? right) => (left, right) switch
    {
        (decimal a, decimal b) => a.CompareTo(b),
        (string a, string b) => string.CompareOrdinal(a, b) switch { < 0 => -1, > 0 => 1, _ => 0 },
        (DateOnly a, DateOnly b) => a.CompareTo(b),
        (FeelDateTime a, FeelDateTime b) => a.Utc.CompareTo(b.Utc),
        (FeelTime a, FeelTime b) => (a.Value.ToTimeSpan() - (a.Offset ?? TimeSpan.Zero)).CompareTo(b.Value.ToTimeSpan() - (b.Offset ?? TimeSpan.Zero)),
        (TimeSpan a, TimeSpan b) => a.CompareTo(b),
        (YearsMonthsDuration a, YearsMonthsDuration b) => a.TotalMonths.CompareTo(b.TotalMonths),
        (bool a, bool b) when a == b => 0,
        _ => null,
    };
}
