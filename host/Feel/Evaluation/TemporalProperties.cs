using Switchboard.Feel.Values;

namespace Switchboard.Feel.Evaluation;

/// <summary>Properties of temporal values reachable by path, e.g. <c>date.year</c> or <c>duration.hours</c>.</summary>
public static class TemporalProperties
{
    public static object? Get(object target, string name) => (target, name) switch
    {
        (DateOnly d, "year") => (decimal)d.Year,
        (DateOnly d, "month") => (decimal)d.Month,
        (DateOnly d, "day") => (decimal)d.Day,
        (DateOnly d, "weekday") => (decimal)((int)d.DayOfWeek == 0 ? 7 : (int)d.DayOfWeek),
        (FeelDateTime t, "year") => (decimal)t.Value.Year,
        (FeelDateTime t, "month") => (decimal)t.Value.Month,
        (FeelDateTime t, "day") => (decimal)t.Value.Day,
        (FeelDateTime t, "weekday") => (decimal)((int)t.Value.DayOfWeek == 0 ? 7 : (int)t.Value.DayOfWeek),
        (FeelDateTime t, "hour") => (decimal)t.Value.Hour,
        (FeelDateTime t, "minute") => (decimal)t.Value.Minute,
        (FeelDateTime t, "second") => (decimal)t.Value.Second,
        (FeelDateTime t, "time offset") => t.Offset,
        (FeelTime t, "hour") => (decimal)t.Value.Hour,
        (FeelTime t, "minute") => (decimal)t.Value.Minute,
        (FeelTime t, "second") => (decimal)t.Value.Second,
        (FeelTime t, "time offset") => t.Offset,
        (TimeSpan s, "days") => (decimal)s.Days,
        (TimeSpan s, "hours") => (decimal)s.Hours,
        (TimeSpan s, "minutes") => (decimal)s.Minutes,
        (TimeSpan s, "seconds") => (decimal)s.Seconds,
        (YearsMonthsDuration y, "years") => (decimal)(y.TotalMonths / 12),
        (YearsMonthsDuration y, "months") => (decimal)(y.TotalMonths % 12),
        _ => null,
    };
}
