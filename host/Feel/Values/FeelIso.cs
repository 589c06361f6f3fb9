using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Feel.Values;

/// <summary>ISO 8601 text for FEEL temporal values, both ways; parse failures give null.</summary>
public static partial class FeelIso
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Time(TimeOnly time)
    {
        var text = time.ToString("HH:mm:ss", Invariant);
        var fraction = time.Ticks % TimeSpan.TicksPerSecond;
        return fraction == 0 ? text : text + "." + fraction.ToString("0000000", Invariant).TrimEnd('0');
    }

    public static string Offset(TimeSpan? offset) => offset switch
    {
        null => "",
        { Ticks: 0 } => "Z",
        var o => (o.Value < TimeSpan.Zero ? "-" : "+") + o.Value.Duration().ToString(@"hh\:mm", Invariant),
    };

    public static string Duration(TimeSpan span)
    {
        if (span == TimeSpan.Zero)
            return "PT0S";
        var text = new StringBuilder(span < TimeSpan.Zero ? "-P" : "P");
        var d = span.Duration();
        if (d.Days > 0)
            text.Append(Invariant, $"{d.Days}D");
        if (d.Hours + d.Minutes + d.Seconds > 0 || d.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            text.Append('T');
            if (d.Hours > 0)
                text.Append(Invariant, $"{d.Hours}H");
            if (d.Minutes > 0)
                text.Append(Invariant, $"{d.Minutes}M");
            var seconds = d.Seconds + (decimal)(d.Ticks % TimeSpan.TicksPerSecond) / TimeSpan.TicksPerSecond;
            if (seconds > 0)
                text.Append(FeelText.Number(seconds)).Append('S');
        }
        return text.ToString();
    }

    public static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", Invariant, DateTimeStyles.None, out var date) ? date : null;

    public static FeelTime? ParseTime(string text)
    {
        var match = TimePattern().Match(text);
        if (!match.Success || !TimeOnly.TryParseExact(match.Groups[1].Value, ["HH:mm:ss", "HH:mm:ss.FFFFFFF", "HH:mm"], Invariant, DateTimeStyles.None, out var time))
            return null;
        var offset = ParseOffset(match.Groups[2].Value);
        return offset.Ok ? new FeelTime(time, offset.Value) : null;
    }

    public static FeelDateTime? ParseDateTime(string text)
    {
        var t = text.IndexOf('T');
        if (t < 0)
            return ParseDate(text) is { } d ? new FeelDateTime(d.ToDateTime(TimeOnly.MinValue), null) : null;
        if (ParseDate(text[..t]) is not { } date || ParseTime(text[(t + 1)..]) is not { } time)
            return null;
        return new FeelDateTime(date.ToDateTime(time.Value), time.Offset);
    }

    /// <summary>A days-time duration (TimeSpan) or a years-months duration; null when the text is not ISO 8601.</summary>
    public static object? ParseDuration(string text)
    {
        try
        {
            return ParseDurationOrThrow(text);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            // Digits beyond what a duration holds: no duration, as for any other text that is not one.
            return null;
        }
    }

    private static object? ParseDurationOrThrow(string text)
    {
        var m = DurationPattern().Match(text);
        if (!m.Success || text.EndsWith('T') || text is "P" or "-P")
            return null;
        var negative = m.Groups[1].Success;
        bool Has(int group) => m.Groups[group].Success;
        long Int(int group) => Has(group) ? long.Parse(m.Groups[group].Value, Invariant) : 0;
        if (Has(2) || Has(3))
        {
            if (Has(4) || Has(5) || Has(6) || Has(7))
                return null;
            // Held as months in an int, as Camunda's engine does: more is no duration here rather than one wrapped around.
            var months = (decimal)Int(2) * 12 + Int(3);
            return months > int.MaxValue ? null : new YearsMonthsDuration((int)(negative ? -months : months));
        }
        var seconds = Has(7) ? decimal.Parse(m.Groups[7].Value, Invariant) : 0m;
        var span = TimeSpan.FromDays(Int(4)) + TimeSpan.FromHours(Int(5)) + TimeSpan.FromMinutes(Int(6)) + TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
        return negative ? -span : span;
    }

    private static (bool Ok, TimeSpan? Value) ParseOffset(string text)
    {
        if (text.Length == 0)
            return (true, null);
        if (text == "Z")
            return (true, TimeSpan.Zero);
        if (!TimeSpan.TryParseExact(text[1..], @"hh\:mm", Invariant, out var offset))
            return (false, null);
        return (true, text[0] == '-' ? -offset : offset);
    }

    [GeneratedRegex(@"^(\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d:\d\d)?$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex DurationPattern();
}
