using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL boolean functions.</summary>
public static class BooleanFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("not", "negand", (a, _) => a[0] is bool b ? !b : null),
    ];
}
