namespace Switchboard.Feel.Values;

/// <summary>A FEEL date and time: local, or with a UTC offset.</summary>
public readonly record struct FeelDateTime(DateTime Value, TimeSpan? Offset)
{
    /// <summary>The instant on the UTC line, for comparing and subtracting; local values are taken as UTC.</summary>
    public DateTime Utc => Offset is { } o ? DateTime.SpecifyKind(Value - o, DateTimeKind.Utc) : DateTime.SpecifyKind(Value, DateTimeKind.Utc);

    public override string ToString() =>
        Value.ToString("yyyy-MM-dd'T'", System.Globalization.CultureInfo.InvariantCulture) + FeelIso.Time(TimeOnly.FromDateTime(Value)) + FeelIso.Offset(Offset);
}
