namespace Switchboard.Feel.Values;

/// <summary>A FEEL context: string keys in insertion order, as the DMN spec requires.</summary>
public sealed class FeelContext
{
    private readonly List<string> _keys;
    private readonly Dictionary<string, object?> _values;

    public FeelContext(int capacity = 4)
    {
        _keys = new List<string>(capacity);
        _values = new Dictionary<string, object?>(capacity, StringComparer.Ordinal);
    }

    public int Count => _keys.Count;

    public IReadOnlyList<string> Keys => _keys;

    public bool TryGet(string key, out object? value) => _values.TryGetValue(key, out value);

    public object? this[string key] => _values.GetValueOrDefault(key);

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Adds or replaces; a replaced key keeps its position.</summary>
    public void Set(string key, object? value)
    {
        if (!_values.ContainsKey(key))
            _keys.Add(key);
        _values[key] = value;
    }

    public IEnumerable<KeyValuePair<string, object?>> Entries()
    {
        foreach (var key in _keys)
            yield return new(key, _values[key]);
    }

    public FeelContext Copy()
    {
        var copy = new FeelContext(_keys.Count + 1);
        foreach (var key in _keys)
            copy.Set(key, _values[key]);
        return copy;
    }
}
