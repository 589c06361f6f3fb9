using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL boolean functions.</summary>
public static class BooleanFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("not", "negand", (a, _) => a[0] is bool b ? !b : null),
        // DMN 1.4: the same kind of value and equal (a date is not a date and time, whatever the instant).
        Define("is", "value1, value2", (a, _) => a[0] is not null && a[1] is not null && FeelTypes.NameOf(a[0]) == FeelTypes.NameOf(a[1])
            && FeelComparison.Equal(a[0], a[1]) == true),
        // Camunda's extension: false for null, as for a variable that is not set.
        Define("is defined", "value", (a, _) => a[0] is not null),
    ];
}
