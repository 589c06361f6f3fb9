using Switchboard.Feel.Values;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL context functions.</summary>
public static class ContextFunctions
{
    public static IEnumerable<FeelFunction> All() =>
    [
        Define("get value", "m, key", GetValue),
        Define("get or else", "value, default", (a, _) => a[0] ?? a[1]),
        Define("context put", "context, key, value", Put),
        Define("context merge", "contexts", Merge, variadic: true),
        Define("get entries", "m", (a, w) => a[0] is FeelContext c ? c.Entries().Select(e => (object?)Entry(e.Key, e.Value)).ToList() : w.Null("get entries expects a context")),
        Define("context", "entries", FromEntries),
    ];

    private static FeelContext Entry(string key, object? value)
    {
        var entry = new FeelContext(2);
        entry.Set("key", key);
        entry.Set("value", value);
        return entry;
    }

    private static object? GetValue(object?[] a, FeelWarnings w)
    {
        if (a[0] is not FeelContext context)
            return w.Null("get value expects a context");
        if (a[1] is string key)
            return context[key];
        if (a[1] is not List<object?> path)
            return w.Null("get value expects a key or a list of keys");
        object? current = context;
        foreach (var step in path)
            current = current is FeelContext c && step is string k ? c[k] : null;
        return current;
    }

    private static object? Put(object?[] a, FeelWarnings w)
    {
        if (a[0] is not FeelContext context)
            return w.Null("context put expects a context");
        var keys = a[1] switch { string k => [k], List<object?> l when l.Count > 0 && l.All(k => k is string) => l.Cast<string>().ToList(), _ => null };
        return keys is null ? w.Null("context put expects a key or a non-empty list of keys") : PutPath(context, keys, 0, a[2]);
    }

    private static FeelContext PutPath(FeelContext context, List<string> keys, int index, object? value)
    {
        FeelNesting.Enter();
        var copy = context.Copy();
        if (index == keys.Count - 1)
            copy.Set(keys[index], value);
        else
            copy.Set(keys[index], PutPath(context[keys[index]] as FeelContext ?? new FeelContext(1), keys, index + 1, value));
        return copy;
    }

    private static object? Merge(object?[] a, FeelWarnings w)
    {
        if (Items(a[0]) is not { } contexts)
            return w.Null("context merge expects a list of contexts");
        var result = new FeelContext();
        foreach (var item in contexts)
        {
            if (item is not FeelContext context)
                return w.Null("context merge expects a list of contexts");
            foreach (var (key, value) in context.Entries())
                result.Set(key, value);
        }
        return result;
    }

    private static object? FromEntries(object?[] a, FeelWarnings w)
    {
        if (a[0] is not List<object?> entries)
            return w.Null("context expects a list of entries");
        var result = new FeelContext(entries.Count);
        foreach (var entry in entries)
        {
            if (entry is not FeelContext e || e["key"] is not string key)
                return w.Null("context expects entries with a string key");
            result.Set(key, e["value"]);
        }
        return result;
    }
}
