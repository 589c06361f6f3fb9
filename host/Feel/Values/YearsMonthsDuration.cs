namespace Switchboard.Feel.Values;

/// <summary>A FEEL years-and-months duration such as <c>P1Y2M</c>, held as total months.</summary>
public readonly record struct YearsMonthsDuration(int TotalMonths)
{
    public override string ToString()
    {
        if (TotalMonths == 0)
            return "P0M";
        var months = Math.Abs(TotalMonths);
        var text = (TotalMonths < 0 ? "-P" : "P") + (months / 12 != 0 ? $"{months / 12}Y" : "") + (months % 12 != 0 ? $"{months % 12}M" : "");
        return text;
    }
}
