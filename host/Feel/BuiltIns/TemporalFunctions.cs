using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL temporal functions that read the clock or describe dates.</summary>
public static class TemporalFunctions
{
    public static IEnumerable<FeelFunction> All(TimeProvider clock) =>
    [
        Define("now", "", (_, _) => new FeelDateTime(clock.GetUtcNow().UtcDateTime, TimeSpan.Zero)),
        Define("today", "", (_, _) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)),
        Define("day of week", "date", (a, w) => Day(a[0]) is { } d ? d.DayOfWeek.ToString() : w.Null("day of week expects a date")),
        Define("month of year", "date", (a, w) => Day(a[0]) is { } d ? System.Globalization.CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month) : w.Null("month of year expects a date")),
        Define("day of year", "date", (a, w) => Day(a[0]) is { } d ? (decimal)d.DayOfYear : w.Null("day of year expects a date")),
        Define("week of year", "date", (a, w) => Day(a[0]) is { } d ? (decimal)System.Globalization.ISOWeek.GetWeekOfYear(d) : w.Null("week of year expects a date")),
        // Camunda's extension.
        Define("last day of month", "date", (a, w) => Day(a[0]) is { } d
            ? new DateOnly(d.Year, d.Month, DateTime.DaysInMonth(d.Year, d.Month)) : w.Null("last day of month expects a date")),
    ];

    private static DateTime? Day(object? value) => value switch { DateOnly d => d.ToDateTime(TimeOnly.MinValue), FeelDateTime t => t.Value, _ => null };
}
