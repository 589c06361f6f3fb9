namespace Switchboard.Feel.Evaluation;

/// <summary>FEEL's three-valued logic: true, false, and null for "unknown".</summary>
public static class Logic
{
    public static bool? AsBoolean(object? value) => value as bool?;

    public static bool? And(bool? left, bool? right) =>
        left == false || right == false ? false : left == true && right == true ? true : null;

    public static bool? Or(bool? left, bool? right) =>
        left == true || right == true ? true : left == false && right == false ? false : null;
}
