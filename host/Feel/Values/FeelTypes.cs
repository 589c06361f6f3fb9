namespace Switchboard.Feel.Values;

/// <summary>FEEL type names of values, for <c>instance of</c> and messages.</summary>
public static class FeelTypes
{
    public static string NameOf(object? value) => value switch
    {
        null => "Null",
        decimal => "number",
        string => "string",
        bool => "boolean",
        DateOnly => "date",
        FeelTime => "time",
        FeelDateTime => "date and time",
        TimeSpan => "days and time duration",
        YearsMonthsDuration => "years and months duration",
        List<object?> => "list",
        FeelContext => "context",
        FeelRange => "range",
        FeelFunction => "function",
        _ => "unknown",
    };

    public static bool IsInstance(object? value, string type) => type switch
    {
        "Any" => value is not null,
        "Null" => value is null,
        _ => NameOf(value) == type,
    };
}
