namespace Switchboard.Feel.Values;

/// <summary>A FEEL range such as <c>[1..10)</c>; a null end is open (unary tests like <c>&lt; 5</c>).</summary>
public sealed record FeelRange(object? Start, bool StartIncluded, object? End, bool EndIncluded)
{
    /// <summary>True, false, or null when the value cannot be compared with the bounds.</summary>
    public bool? Includes(object? value)
    {
        if (value is null)
            return null;
        if (Start is not null)
        {
            var c = FeelComparison.Compare(value, Start);
            if (c is null)
                return null;
            if (c < 0 || (c == 0 && !StartIncluded))
                return false;
        }
        if (End is not null)
        {
            var c = FeelComparison.Compare(value, End);
            if (c is null)
                return null;
            if (c > 0 || (c == 0 && !EndIncluded))
                return false;
        }
        return true;
    }
}
