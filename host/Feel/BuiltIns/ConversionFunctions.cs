using System.Globalization;
using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL conversion functions: number, string and the temporal constructors.</summary>
public static class ConversionFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("number", "from, grouping separator, decimal separator", Number, required: 1),
        Define("string", "from", (a, _) => a[0] is null ? null : FeelText.Of(a[0])),
        Define("date", "from, month, day", Date, required: 1),
        Define("time", "from, minute, second, offset", Time, required: 1),
        Define("date and time", "from, time", DateAndTime, required: 1),
        Define("duration", "from", (a, w) => a[0] is string s ? FeelIso.ParseDuration(s) ?? w.Null($"not an ISO 8601 duration: \"{s}\"") : w.Null("duration expects a string")),
        Define("years and months duration", "from, to", YearsAndMonths),
        // Camunda's extensions: FEEL values to and from JSON text.
        Define("to json", "value", (a, _) => FeelJson.ToJson(a[0])?.ToJsonString() ?? "null"),
        Define("from json", "value", FromJson),
    ];

    private static object? Number(object?[] a, FeelWarnings w)
    {
        if (a[0] is not string text || a.At(1) is not (null or string) || a.At(2) is not (null or string))
            return w.Null("number expects a string");
        if (a.At(1) is string grouping && grouping.Length > 0)
            text = text.Replace(grouping, "");
        if (a.At(2) is string separator && separator.Length > 0)
            text = text.Replace(separator, ".");
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            ? value
            : w.Null($"not a number: \"{text}\"");
    }

    private static object? Date(object?[] a, FeelWarnings w)
    {
        if (a.Length == 3)
        {
            if (Int(a[0]) is not { } y || Int(a[1]) is not { } m || Int(a[2]) is not { } d)
                return w.Null("date expects year, month and day numbers");
            return DateTime.DaysInMonth(Math.Clamp(y, 1, 9999), Math.Clamp(m, 1, 12)) >= d && y is >= 1 and <= 9999 && m is >= 1 and <= 12 && d >= 1 ? new DateOnly(y, m, d) : w.Null("date out of range");
        }
        return a[0] switch
        {
            string s => FeelIso.ParseDate(s) ?? w.Null($"not a date: \"{s}\""),
            DateOnly d => d,
            FeelDateTime t => DateOnly.FromDateTime(t.Value),
            _ => w.Null("date expects a string, a date or a date and time"),
        };
    }

    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(18);

    private static object? Time(object?[] a, FeelWarnings w)
    {
        if (a.Length >= 3)
        {
            if (Int(a[0]) is not { } h || Int(a[1]) is not { } m || a[2] is not decimal s || h is < 0 or > 23 || m is < 0 or > 59 || s is < 0 or >= 60)
                return w.Null("time expects hour, minute and second numbers");
            var offset = a.At(3) as TimeSpan?;
            // A zone offset is at most 18 hours either way (as java.time's, which Camunda's FEEL uses); P1000D is none.
            if (offset is { } o && o.Duration() > MaxOffset)
                return w.Null("time expects an offset of at most 18 hours");
            return new FeelTime(new TimeOnly(h, m).Add(TimeSpan.FromTicks((long)(s * TimeSpan.TicksPerSecond))), offset);
        }
        return a[0] switch
        {
            string s => FeelIso.ParseTime(s) ?? (object?)(FeelIso.ParseDateTime(s) is { } dt ? new FeelTime(TimeOnly.FromDateTime(dt.Value), dt.Offset) : w.Null($"not a time: \"{s}\"")),
            FeelTime t => t,
            FeelDateTime t => new FeelTime(TimeOnly.FromDateTime(t.Value), t.Offset),
            DateOnly => new FeelTime(TimeOnly.MinValue, TimeSpan.Zero),
            _ => w.Null("time expects a string or a temporal value"),
        };
    }

    private static object? DateAndTime(object?[] a, FeelWarnings w)
    {
        if (a.Length == 2)
        {
            var date = a[0] switch { DateOnly d => d, FeelDateTime t => DateOnly.FromDateTime(t.Value), _ => (DateOnly?)null };
            return date is { } day && a[1] is FeelTime time ? new FeelDateTime(day.ToDateTime(time.Value), time.Offset) : w.Null("date and time expects a date and a time");
        }
        return a[0] switch
        {
            string s => FeelIso.ParseDateTime(s) ?? w.Null($"not a date and time: \"{s}\""),
            FeelDateTime t => t,
            DateOnly d => new FeelDateTime(d.ToDateTime(TimeOnly.MinValue), null),
            _ => w.Null("date and time expects a string"),
        };
    }

    private static object? YearsAndMonths(object?[] a, FeelWarnings w)
    {
        static DateTime? Day(object? value) => value switch { DateOnly d => d.ToDateTime(TimeOnly.MinValue), FeelDateTime t => t.Value, _ => null };
        if (Day(a[0]) is not { } from || Day(a[1]) is not { } to)
            return w.Null("years and months duration expects two dates");
        var months = (to.Year - from.Year) * 12 + to.Month - from.Month;
        if (months > 0 && to.AddMonths(-months) < from)
            months--;
        else if (months < 0 && to.AddMonths(-months) > from)
            months++;
        return new YearsMonthsDuration(months);
    }

    private static object? FromJson(object?[] a, FeelWarnings w)
    {
        if (a[0] is not string text)
            return w.Null("from json expects a string");
        try
        {
            // Read from the parsed document, not a node tree: text naming a member twice keeps the last value (see ToFeel).
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return FeelJson.ToFeel(document.RootElement);
        }
        catch (System.Text.Json.JsonException e)
        {
            return w.Null("from json: not JSON: " + e.Message);
        }
    }
}
