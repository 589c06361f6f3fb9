using Switchboard.Feel.Values;

namespace Switchboard.Feel.Evaluation;

/// <summary>Names visible during evaluation: a chain of contexts and single bindings (iteration variables, parameters).</summary>
public sealed class Scope
{
    private readonly Scope? _parent;
    private readonly FeelContext? _context;
    private readonly string? _name;
    private readonly object? _value;

    private Scope(Scope? parent, FeelContext? context, string? name, object? value)
    {
        _parent = parent;
        _context = context;
        _name = name;
        _value = value;
    }

    public static Scope Root(FeelContext? variables) => new(null, variables ?? new FeelContext(0), null, null);

    public Scope With(FeelContext context) => new(this, context, null, null);

    public Scope With(string name, object? value) => new(this, null, name, value);

    public bool TryResolve(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope._parent)
        {
            if (scope._context is not null)
            {
                if (scope._context.TryGet(name, out value))
                    return true;
            }
            else if (scope._name == name)
            {
                value = scope._value;
                return true;
            }
        }
        value = null;
        return false;
    }
}
