using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>DMN's range functions (<c>before</c>, <c>after</c>, <c>meets</c>, … <c>coincides</c>): how two points, a point
/// and a range, or two ranges lie to each other, as the DMN specification defines each case.</summary>
/// <remarks>A range with no start or end (<c>&lt; 5</c>) is open on that side. Values that cannot be compared give null.</remarks>
public static class RangeFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("before", "a, b", (a, w) => Relate(a, w, "before",
            points: (p, q) => Lt(P(p), P(q)),
            pointRange: (p, r) => Or(Lt(P(p), S(r)), And(Eq(P(p), S(r)), !r.StartIncluded)),
            rangePoint: (r, p) => Or(Lt(E(r), P(p)), And(Eq(E(r), P(p)), !r.EndIncluded)),
            ranges: (r, s) => Or(Lt(E(r), S(s)), And(!r.EndIncluded || !s.StartIncluded, Eq(E(r), S(s)))))),
        Define("after", "a, b", (a, w) => Relate(a, w, "after",
            points: (p, q) => Lt(P(q), P(p)),
            pointRange: (p, r) => Or(Lt(E(r), P(p)), And(Eq(P(p), E(r)), !r.EndIncluded)),
            rangePoint: (r, p) => Or(Lt(P(p), S(r)), And(Eq(S(r), P(p)), !r.StartIncluded)),
            ranges: (r, s) => Or(Lt(E(s), S(r)), And(!r.StartIncluded || !s.EndIncluded, Eq(S(r), E(s)))))),
        Define("meets", "range1, range2", (a, w) => Ranges(a, w, "meets", (r, s) => And(r.EndIncluded && s.StartIncluded, Eq(E(r), S(s))))),
        Define("met by", "range1, range2", (a, w) => Ranges(a, w, "met by", (r, s) => And(r.StartIncluded && s.EndIncluded, Eq(S(r), E(s))))),
        Define("overlaps", "range1, range2", (a, w) => Ranges(a, w, "overlaps", (r, s) => And(
            Or(Lt(S(s), E(r)), And(Eq(E(r), S(s)), r.EndIncluded && s.StartIncluded)),
            Or(Lt(S(r), E(s)), And(Eq(S(r), E(s)), r.StartIncluded && s.EndIncluded))))),
        Define("overlaps before", "range1, range2", (a, w) => Ranges(a, w, "overlaps before", (r, s) => And(And(
            Or(Lt(S(r), S(s)), And(Eq(S(r), S(s)), r.StartIncluded && !s.StartIncluded)),
            Or(Lt(S(s), E(r)), And(Eq(E(r), S(s)), r.EndIncluded && s.StartIncluded))),
            Or(Lt(E(r), E(s)), And(Eq(E(r), E(s)), !r.EndIncluded || s.EndIncluded))))),
        Define("overlaps after", "range1, range2", (a, w) => Ranges(a, w, "overlaps after", (r, s) => And(And(
            Or(Lt(S(s), S(r)), And(Eq(S(s), S(r)), s.StartIncluded && !r.StartIncluded)),
            Or(Lt(S(r), E(s)), And(Eq(E(s), S(r)), s.EndIncluded && r.StartIncluded))),
            Or(Lt(E(s), E(r)), And(Eq(E(s), E(r)), !s.EndIncluded || r.EndIncluded))))),
        Define("finishes", "a, b", (a, w) => Relate(a, w, "finishes",
            points: null,
            pointRange: (p, r) => And(r.EndIncluded, Eq(E(r), P(p))),
            rangePoint: null,
            ranges: (r, s) => And(And(r.EndIncluded == s.EndIncluded, Eq(E(r), E(s))),
                Or(Lt(S(s), S(r)), And(Eq(S(r), S(s)), !r.StartIncluded || s.StartIncluded))))),
        Define("finished by", "a, b", (a, w) => Relate(a, w, "finished by",
            points: null,
            pointRange: null,
            rangePoint: (r, p) => And(r.EndIncluded, Eq(E(r), P(p))),
            ranges: (r, s) => And(And(r.EndIncluded == s.EndIncluded, Eq(E(r), E(s))),
                Or(Lt(S(r), S(s)), And(Eq(S(r), S(s)), r.StartIncluded || !s.StartIncluded))))),
        Define("includes", "a, b", (a, w) => Relate(a, w, "includes",
            points: null,
            pointRange: null,
            rangePoint: Includes,
            ranges: Contains)),
        Define("during", "a, b", (a, w) => Relate(a, w, "during",
            points: null,
            pointRange: (p, r) => Includes(r, p),
            rangePoint: null,
            ranges: (r, s) => Contains(s, r))),
        Define("starts", "a, b", (a, w) => Relate(a, w, "starts",
            points: null,
            pointRange: (p, r) => And(r.StartIncluded, Eq(S(r), P(p))),
            rangePoint: null,
            ranges: (r, s) => And(And(Eq(S(r), S(s)), r.StartIncluded == s.StartIncluded),
                Or(Lt(E(r), E(s)), And(Eq(E(r), E(s)), !r.EndIncluded || s.EndIncluded))))),
        Define("started by", "a, b", (a, w) => Relate(a, w, "started by",
            points: null,
            pointRange: null,
            rangePoint: (r, p) => And(r.StartIncluded, Eq(S(r), P(p))),
            ranges: (r, s) => And(And(Eq(S(r), S(s)), r.StartIncluded == s.StartIncluded),
                Or(Lt(E(s), E(r)), And(Eq(E(s), E(r)), !s.EndIncluded || r.EndIncluded))))),
        Define("range", "from", (a, w) => a[0] is string text ? Parse(text, w) : w.Null("range expects a string")),
        Define("coincides", "a, b", (a, w) => Relate(a, w, "coincides",
            points: (p, q) => Eq(P(p), P(q)),
            pointRange: null,
            rangePoint: null,
            ranges: (r, s) => And(And(Eq(S(r), S(s)), r.StartIncluded == s.StartIncluded), And(Eq(E(r), E(s)), r.EndIncluded == s.EndIncluded)))),
    ];

    /// <summary>DMN 1.5's <c>range("[18..21)")</c>, also <c>"&lt; 10"</c>, <c>"&gt;= 5"</c> and <c>"= 3"</c>; the endpoints are literals.</summary>
    private static object? Parse(string text, FeelWarnings w)
    {
        text = text.Trim();
        var op = new[] { "<=", ">=", "<", ">", "=" }.FirstOrDefault(o => text.StartsWith(o, StringComparison.Ordinal));
        try
        {
            var value = FeelEngine.Default.Parse(op is null ? text : text[op.Length..]).EvaluateValue(null).Value;
            return op switch
            {
                null => value as FeelRange ?? w.Null($"range: \"{text}\" is not a range"),
                _ when value is null or FeelRange => w.Null($"range: \"{text}\" does not compare with a single value"),
                "<" => new FeelRange(null, false, value, false),
                "<=" => new FeelRange(null, false, value, true),
                ">" => new FeelRange(value, false, null, false),
                ">=" => new FeelRange(value, true, null, false),
                _ => new FeelRange(value, true, value, true),
            };
        }
        catch (FeelException e)
        {
            return w.Null($"range: \"{text}\" is not a range: {e.Message}");
        }
    }

    private static bool? Includes(FeelRange r, object? p) => Or(Or(
        And(Lt(S(r), P(p)), Lt(P(p), E(r))),
        And(Eq(S(r), P(p)), r.StartIncluded)),
        And(Eq(E(r), P(p)), r.EndIncluded));

    private static bool? Contains(FeelRange r, FeelRange s) => And(
        Or(Lt(S(r), S(s)), And(Eq(S(r), S(s)), r.StartIncluded || !s.StartIncluded)),
        Or(Lt(E(s), E(r)), And(Eq(E(r), E(s)), r.EndIncluded || !s.EndIncluded)));

    private static object? Relate(object?[] a, FeelWarnings w, string name, Func<object?, object?, bool?>? points,
        Func<object?, FeelRange, bool?>? pointRange, Func<FeelRange, object?, bool?>? rangePoint, Func<FeelRange, FeelRange, bool?>? ranges)
    {
        if (a[0] is null || a[1] is null)
            return w.Null($"{name} of null");
        var result = (a[0], a[1]) switch
        {
            (FeelRange r, FeelRange s) when ranges is not null => ranges(r, s),
            (FeelRange r, not FeelRange) when rangePoint is not null => rangePoint(r, a[1]),
            (not FeelRange, FeelRange s) when pointRange is not null => pointRange(a[0], s),
            (not FeelRange, not FeelRange) when points is not null => points(a[0], a[1]),
            _ => (bool?)null,
        };
        return result is null ? w.Null($"{name} cannot relate {FeelTypes.NameOf(a[0])} and {FeelTypes.NameOf(a[1])}") : result;
    }

    private static object? Ranges(object?[] a, FeelWarnings w, string name, Func<FeelRange, FeelRange, bool?> ranges) =>
        a[0] is FeelRange r && a[1] is FeelRange s ? ranges(r, s) ?? w.Null($"{name}: the ranges' bounds cannot be compared") : w.Null($"{name} expects two ranges");

    /// <summary>A point or a range bound; an open bound (a range with no start or end) is −∞ or +∞.</summary>
    private readonly record struct Bound(object? Value, int Infinity);

    private static Bound P(object? point) => new(point, 0);

    private static Bound S(FeelRange range) => new(range.Start, range.Start is null ? -1 : 0);

    private static Bound E(FeelRange range) => new(range.End, range.End is null ? 1 : 0);

    private static bool? Lt(Bound x, Bound y)
    {
        if (x.Infinity != 0 || y.Infinity != 0)
            return x.Infinity < y.Infinity;
        return FeelComparison.Compare(x.Value, y.Value) is { } c ? c < 0 : null;
    }

    /// <summary>An open bound equals nothing.</summary>
    private static bool? Eq(Bound x, Bound y) =>
        x.Infinity != 0 || y.Infinity != 0 ? false : FeelComparison.Compare(x.Value, y.Value) is { } c ? c == 0 : null;

    private static bool? And(bool? x, bool? y) => x == false || y == false ? false : x is null || y is null ? null : true;

    private static bool? And(bool x, bool? y) => And((bool?)x, y);

    private static bool? And(bool? x, bool y) => And(x, (bool?)y);

    private static bool? Or(bool? x, bool? y) => x == true || y == true ? true : x is null || y is null ? null : false;
}
