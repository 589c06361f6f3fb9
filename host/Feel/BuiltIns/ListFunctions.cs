using Switchboard.Feel.Evaluation;
using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL list functions; aggregates accept a list or the items as separate arguments.</summary>
public static class ListFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("list contains", "list, element", (a, w) => a[0] is List<object?> l ? l.Any(i => FeelComparison.Equal(i, a[1]) == true) : w.Null("list contains expects a list")),
        Define("count", "list", (a, w) => a[0] is List<object?> l ? (decimal)l.Count : w.Null("count expects a list")),
        Define("min", "list", (a, w) => Extreme(Items(a[0]), -1, w), variadic: true),
        Define("max", "list", (a, w) => Extreme(Items(a[0]), 1, w), variadic: true),
        Define("sum", "list", (a, w) => Numbers(Items(a[0]), w) is { Count: > 0 } n ? n.Sum() : w.Null("sum of an empty list"), variadic: true),
        Define("mean", "list", (a, w) => Numbers(Items(a[0]), w) is { Count: > 0 } n ? n.Sum() / n.Count : w.Null("mean of an empty list"), variadic: true),
        Define("median", "list", (a, w) => Numbers(Items(a[0]), w) is { Count: > 0 } n ? Median(n) : w.Null("median of an empty list"), variadic: true),
        Define("stddev", "list", (a, w) => Numbers(Items(a[0]), w) is { Count: > 1 } n ? StandardDeviation(n) : w.Null("stddev needs at least two numbers"), variadic: true),
        Define("mode", "list", (a, w) => Numbers(Items(a[0]), w) is { } n ? Mode(n) : null, variadic: true),
        Define("product", "list", (a, w) => Numbers(Items(a[0]), w) is { Count: > 0 } n ? n.Aggregate(1m, (p, x) => p * x) : w.Null("product of an empty list"), variadic: true),
        Define("all", "list", (a, w) => Bools(Items(a[0]), w, every: true), variadic: true),
        Define("any", "list", (a, w) => Bools(Items(a[0]), w, every: false), variadic: true),
        Define("sublist", "list, start position, length", Sublist, required: 2),
        Define("append", "list, items", (a, w) => a[0] is List<object?> l ? (object?)new List<object?>([.. l, .. (a.At(1) as List<object?> ?? [])]) : w.Null("append expects a list"), required: 1, variadic: true),
        Define("concatenate", "lists", (a, w) => Concatenate(a[0] as List<object?>, w), variadic: true),
        Define("insert before", "list, position, newItem", InsertBefore),
        Define("remove", "list, position", Remove),
        Define("reverse", "list", (a, w) => a[0] is List<object?> l ? Enumerable.Reverse(l).ToList() : w.Null("reverse expects a list")),
        Define("index of", "list, match", (a, w) => a[0] is List<object?> l ? Enumerable.Range(0, l.Count).Where(i => FeelComparison.Equal(l[i], a[1]) == true).Select(i => (object?)(decimal)(i + 1)).ToList() : w.Null("index of expects a list")),
        Define("union", "lists", (a, w) => Concatenate(a[0] as List<object?>, w) is List<object?> all ? Distinct(all) : null, variadic: true),
        Define("distinct values", "list", (a, w) => a[0] is List<object?> l ? Distinct(l) : w.Null("distinct values expects a list")),
        Define("flatten", "list", (a, w) => a[0] is List<object?> l ? Flatten(l, []) : w.Null("flatten expects a list")),
        Define("sort", "list, precedes", Sort),
        Define("is empty", "list", (a, w) => a[0] is List<object?> l ? l.Count == 0 : w.Null("is empty expects a list")),
        Define("list replace", "list, position, newItem", ListReplace),
        // Camunda's extensions.
        Define("partition", "list, size", (a, w) => a[0] is List<object?> l && Int(a[1]) is > 0 and var size
            ? l.Chunk(size).Select(c => (object?)c.ToList()).ToList() : w.Null("partition expects a list and a positive size")),
        Define("duplicate values", "list", (a, w) => a[0] is List<object?> l
            ? Distinct(l.Where((x, i) => l.Skip(i + 1).Any(y => FeelComparison.Equal(x, y) == true)).ToList()) : w.Null("duplicate values expects a list")),
    ];

    /// <summary>DMN 1.5: the item at a position (1-based, negative from the end), or every item a match function accepts, replaced.</summary>
    private static object? ListReplace(object?[] a, FeelWarnings w)
    {
        if (a[0] is not List<object?> l)
            return w.Null("list replace expects a list");
        if (a[1] is FeelFunction match)
            return l.Select(item => match.Invoke([item, a[2]], w) is true ? a[2] : item).ToList();
        if (Int(a[1]) is not { } position || position == 0 || Math.Abs(position) > l.Count)
            return w.Null("list replace expects a position within the list or a match function");
        var replaced = new List<object?>(l);
        replaced[position > 0 ? position - 1 : l.Count + position] = a[2];
        return replaced;
    }

    private static List<decimal>? Numbers(List<object?>? items, FeelWarnings w)
    {
        if (items is null)
            return (List<decimal>?)w.Null("expects a list of numbers");
        var numbers = new List<decimal>(items.Count);
        foreach (var item in items)
        {
            if (item is not decimal d)
                return (List<decimal>?)w.Null("expects a list of numbers");
            numbers.Add(d);
        }
        return numbers;
    }

    /// <summary>The middle number once sorted; for an even count, the mean of the two middle ones.</summary>
    private static decimal Median(List<decimal> numbers)
    {
        numbers.Sort();
        var middle = numbers.Count / 2;
        return numbers.Count % 2 == 1 ? numbers[middle] : (numbers[middle - 1] + numbers[middle]) / 2;
    }

    /// <summary>The sample standard deviation (divided by n − 1), as DMN defines it.</summary>
    private static decimal StandardDeviation(List<decimal> numbers)
    {
        var mean = numbers.Sum() / numbers.Count;
        var variance = numbers.Sum(x => (x - mean) * (x - mean)) / (numbers.Count - 1);
        return SquareRoot(variance);
    }

    /// <summary>Newton's method in decimals, from the double estimate: keeps the 28 digits a double would lose.</summary>
    private static decimal SquareRoot(decimal value)
    {
        if (value == 0)
            return 0;
        var root = (decimal)Math.Sqrt((double)value);
        for (var i = 0; i < 8; i++)
        {
            var next = (root + value / root) / 2;
            if (next == root)
                break;
            root = next;
        }
        return root;
    }

    /// <summary>Every number that occurs most often, ascending; an empty list gives an empty list.</summary>
    private static List<object?> Mode(List<decimal> numbers)
    {
        if (numbers.Count == 0)
            return [];
        var counts = numbers.GroupBy(n => n).Select(g => (Value: g.Key, Count: g.Count())).ToList();
        var most = counts.Max(c => c.Count);
        return counts.Where(c => c.Count == most).Select(c => c.Value).Order().Select(v => (object?)v).ToList();
    }

    private static object? Extreme(List<object?>? items, int sign, FeelWarnings w)
    {
        if (items is null || items.Count == 0)
            return w.Null("min/max of an empty list");
        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            var c = FeelComparison.Compare(item, best);
            if (c is null)
                return w.Null("min/max of values that cannot be compared");
            if (c * sign > 0)
                best = item;
        }
        return best;
    }

    private static object? Bools(List<object?>? items, FeelWarnings w, bool every)
    {
        if (items is null)
            return w.Null("expects a list of booleans");
        bool? result = every;
        foreach (var item in items)
            result = every ? Logic.And(result, item as bool?) : Logic.Or(result, item as bool?);
        return result;
    }

    private static object? Sublist(object?[] a, FeelWarnings w)
    {
        if (a[0] is not List<object?> l || Int(a[1]) is not { } start)
            return w.Null("sublist expects a list and a start position");
        var from = start > 0 ? start - 1 : l.Count + start;
        if (start == 0 || from < 0 || from >= l.Count)
            return w.Null($"sublist start position {start} is out of range");
        var length = a.Given(2) ? Int(a[2]) ?? -1 : l.Count - from;
        return length < 0 || from + length > l.Count ? w.Null("sublist length is out of range") : l.GetRange(from, length);
    }

    private static object? Concatenate(List<object?>? lists, FeelWarnings w)
    {
        if (lists is null)
            return w.Null("concatenate expects lists");
        var result = new List<object?>();
        foreach (var list in lists)
        {
            if (list is not List<object?> l)
                return w.Null("concatenate expects lists");
            result.AddRange(l);
        }
        return result;
    }

    private static object? InsertBefore(object?[] a, FeelWarnings w) =>
        AtPosition(a, "insert before", (list, index) => list.Insert(index, a[2]), w);

    private static object? Remove(object?[] a, FeelWarnings w) =>
        AtPosition(a, "remove", (list, index) => list.RemoveAt(index), w);

    /// <summary>A copy of the list changed at a 1-based position (negative counts from the end).</summary>
    private static object? AtPosition(object?[] a, string name, Action<List<object?>, int> change, FeelWarnings w)
    {
        if (a[0] is not List<object?> l || Int(a[1]) is not { } position)
            return w.Null($"{name} expects a list and a position");
        var index = position > 0 ? position - 1 : l.Count + position;
        if (position == 0 || index < 0 || index >= l.Count)
            return w.Null($"{name} position {position} is out of range");
        var result = new List<object?>(l);
        change(result, index);
        return result;
    }

    private static List<object?> Distinct(List<object?> items)
    {
        var result = new List<object?>();
        foreach (var item in items)
            if (!result.Any(r => FeelComparison.Equal(r, item) == true))
                result.Add(item);
        return result;
    }

    private static List<object?> Flatten(List<object?> items, List<object?> into)
    {
        FeelNesting.Enter();
        foreach (var item in items)
        {
            if (item is List<object?> inner)
                Flatten(inner, into);
            else
                into.Add(item);
        }
        return into;
    }

    private static object? Sort(object?[] a, FeelWarnings w)
    {
        if (a[0] is not List<object?> l)
            return w.Null("sort expects a list");
        if (a[1] is not FeelFunction precedes)
            return w.Null("sort expects a precedes function as its second argument");
        Comparison<object?> order = (x, y) => precedes.Invoke([x, y], w) is true ? -1 : precedes.Invoke([y, x], w) is true ? 1 : 0;
        // OrderBy is a stable sort, so equal items keep their order.
        return l.OrderBy(x => x, Comparer<object?>.Create(order)).ToList();
    }
}
