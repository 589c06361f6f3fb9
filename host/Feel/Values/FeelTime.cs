namespace Switchboard.Feel.Values;

/// <summary>A FEEL time of day, optionally with a UTC offset.</summary>
public readonly record struct FeelTime(TimeOnly Value, TimeSpan? Offset)
{
    public override string ToString() => FeelIso.Time(Value) + FeelIso.Offset(Offset);
}
