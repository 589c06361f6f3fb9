namespace Switchboard.Feel.Values;

/// <summary>Why an evaluation produced null instead of a value (FEEL never throws at evaluation time).</summary>
public sealed class FeelWarnings
{
    private List<string>? _items;

    public IReadOnlyList<string> Items => _items ?? (IReadOnlyList<string>)[];

    /// <summary>Records a problem and returns null, the FEEL result of a failed operation.</summary>
    public object? Null(string problem)
    {
        (_items ??= []).Add(problem);
        return null;
    }
}
