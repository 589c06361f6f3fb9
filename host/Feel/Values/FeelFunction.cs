namespace Switchboard.Feel.Values;

/// <summary>A callable FEEL value: a built-in or a user lambda. Parameter names allow named arguments.</summary>
public sealed class FeelFunction(string name, IReadOnlyList<string> parameters, int required, Func<object?[], FeelWarnings, object?> body, bool variadic = false)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Parameters { get; } = parameters;

    /// <summary>How many leading parameters must be given; the rest are optional (passed as null).</summary>
    public int Required { get; } = required;

    /// <summary>The last parameter collects all remaining positional arguments as a list (e.g. <c>concatenate</c>).</summary>
    public bool Variadic { get; } = variadic;

    public object? Invoke(object?[] arguments, FeelWarnings warnings) => body(arguments, warnings);
}
