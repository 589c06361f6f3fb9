using Switchboard.Feel.Connectors;
using Switchboard.Feel.Values;

namespace Switchboard.Feel.BuiltIns;

/// <summary>All built-in and connector functions by name, plus the names with spaces the parser must recognise.</summary>
public sealed class FunctionTable
{
    public FunctionTable(TimeProvider clock)
    {
        var all = StringFunctions.All().Concat(ListFunctions.All()).Concat(NumericFunctions.All()).Concat(ConversionFunctions.All())
            .Concat(ContextFunctions.All()).Concat(TemporalFunctions.All(clock)).Concat(BooleanFunctions.All()).Concat(RangeFunctions.All()).Concat(ConnectorFunctions.All());
        Functions = all.ToDictionary(f => f.Name, StringComparer.Ordinal);
        MultiWordNames = Functions.Keys.Where(k => k.Contains(' ')).Select(k => k.Split(' ')).OrderByDescending(w => w.Length).ToList();
    }

    public IReadOnlyDictionary<string, FeelFunction> Functions { get; }

    /// <summary>Names with spaces split into words, longest first, so "date and time" wins over "date".</summary>
    public IReadOnlyList<string[]> MultiWordNames { get; }
}
