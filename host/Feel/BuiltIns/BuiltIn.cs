using Switchboard.Feel.Values;

namespace Switchboard.Feel.BuiltIns;

/// <summary>Shorthands for declaring built-in functions and reading their arguments.</summary>
public static class BuiltIn
{
    public static FeelFunction Define(string name, string parameters, Func<object?[], FeelWarnings, object?> body, int? required = null, bool variadic = false)
    {
        var names = parameters.Length == 0 ? [] : parameters.Split(',', StringSplitOptions.TrimEntries);
        return new FeelFunction(name, names, required ?? names.Length, body, variadic);
    }

    public static object? At(this object?[] arguments, int index) => index < arguments.Length ? arguments[index] : null;

    public static bool Given(this object?[] arguments, int index) => index < arguments.Length;

    /// <summary>The items of a list-or-varargs argument: <c>sum([1,2])</c> and <c>sum(1,2)</c> alike.</summary>
    public static List<object?>? Items(object? argument) =>
        argument is List<object?> { Count: 1 } wrapped && wrapped[0] is List<object?> inner ? inner : argument as List<object?>;

    public static int? Int(object? value) => value is decimal d && d == decimal.Truncate(d) && Math.Abs(d) <= int.MaxValue ? (int)d : null;
}
