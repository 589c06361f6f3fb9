using Switchboard.Feel.Syntax;
using Switchboard.Feel.Values;

namespace Switchboard.Feel.Evaluation;

/// <summary>Binds positional and named call arguments to a function's parameters.</summary>
public static class Invocation
{
    /// <summary>The argument array (as long as the arguments given; gaps are null), or null with a warning when they do not fit.</summary>
    public static object?[]? Bind(FeelFunction function, CallNode call, Func<Node, object?> evaluate, FeelWarnings warnings)
    {
        if (call.Named is null)
        {
            var count = call.Positional.Count;
            if (function.Variadic && count >= function.Parameters.Count)
            {
                var fixedCount = function.Parameters.Count - 1;
                var arguments = new object?[function.Parameters.Count];
                for (var i = 0; i < fixedCount; i++)
                    arguments[i] = evaluate(call.Positional[i]);
                var rest = new List<object?>(count - fixedCount);
                for (var i = fixedCount; i < count; i++)
                    rest.Add(evaluate(call.Positional[i]));
                arguments[fixedCount] = rest;
                return arguments;
            }
            if (count < function.Required || count > function.Parameters.Count)
                return warnings.Null($"{function.Name} expects {Expected(function)} arguments but got {count}") as object?[];
            var values = new object?[count];
            for (var i = 0; i < count; i++)
                values[i] = evaluate(call.Positional[i]);
            if (function.Variadic && count == function.Parameters.Count)
                values[^1] = new List<object?> { values[^1] };
            return values;
        }
        var bound = new object?[function.Parameters.Count];
        var last = call.Positional.Count - 1;
        for (var i = 0; i < call.Positional.Count && i < bound.Length; i++)
            bound[i] = evaluate(call.Positional[i]);
        foreach (var (name, node) in call.Named)
        {
            var index = IndexOf(function.Parameters, name);
            if (index < 0)
                return warnings.Null($"{function.Name} has no parameter '{name}'") as object?[];
            bound[index] = evaluate(node);
            last = Math.Max(last, index);
        }
        if (last + 1 < function.Required)
            return warnings.Null($"{function.Name} expects {Expected(function)} arguments") as object?[];
        if (function.Variadic && last == bound.Length - 1)
            bound[last] = bound[last] is List<object?> ? bound[last] : new List<object?> { bound[last] };
        return bound[..(last + 1)];
    }

    private static int IndexOf(IReadOnlyList<string> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
            if (parameters[i] == name)
                return i;
        return -1;
    }

    private static string Expected(FeelFunction function) =>
        function.Required == function.Parameters.Count ? $"{function.Required}" : $"{function.Required} to {function.Parameters.Count}";
}
