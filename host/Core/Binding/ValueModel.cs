using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Binding;

/// <summary>How one CLR type is bound from and written to JSON; built once per plugin generation.</summary>
internal sealed class ValueModel
{
    public required Type ClrType { get; init; }
    public required ParameterKind Kind { get; init; }

    /// <summary>The type values are converted to: the underlying type of a nullable.</summary>
    public required Type TargetType { get; init; }

    public bool AcceptsNull { get; init; }
    public ObjectModel? Object { get; set; }
    public ValueModel? Item { get; set; }
    public IReadOnlyList<(string Wire, string Name, object Value)> EnumMembers { get; init; } = [];
    public IReadOnlyList<string> AllowedValues { get; init; } = [];
}

/// <summary>A class bound member by member: its properties in declaration order and how to create it.</summary>
internal sealed class ObjectModel
{
    public required Type ClrType { get; init; }
    public required IReadOnlyList<PropertyModel> Properties { get; set; }
    public required Func<object> Create { get; init; }

    /// <summary>A new instance made with the type's parameterless constructor, whose property values are the defaults
    /// listings show; null when the type has no such constructor or it throws. Made on first use, which is a listing's
    /// (a generation is described under its load timeout): it runs the plugin's constructor, which a call writing an
    /// output of this type must not wait for.</summary>
    public object? Defaults => (_defaults ??= new Lazy<object?>(NewOrNull)).Value;

    private Lazy<object?>? _defaults;

    private object? NewOrNull()
    {
        try
        {
            return ClrType.GetConstructor(Type.EmptyTypes) is not null || ClrType.IsValueType ? Activator.CreateInstance(ClrType) : null;
        }
        catch (TargetInvocationException)
        {
            // A constructor that throws only costs us the defaults shown in listings.
            return null;
        }
    }

    /// <summary>Whether a secret parameter is reachable from this object: its own properties, nested objects, list
    /// items and map values. Worked out on first use, as the properties of a type that refers to itself are set late.</summary>
    public bool HoldsSecrets => _holdsSecrets ??= Holds(this, []);

    private bool? _holdsSecrets;

    private static bool Holds(ObjectModel model, HashSet<ObjectModel> seen)
    {
        if (!seen.Add(model))
            return false;
        foreach (var property in model.Properties)
            if (property.Secret || Holds(property.Value, seen))
                return true;
        return false;
    }

    private static bool Holds(ValueModel? value, HashSet<ObjectModel> seen) =>
        value is not null && ((value.Object is { } nested && Holds(nested, seen)) || Holds(value.Item, seen));
}

/// <summary>One settable property of an input or output class.</summary>
internal sealed class PropertyModel
{
    public required PropertyInfo Property { get; init; }
    public required string Id { get; init; }
    public required string Label { get; init; }
    public string? Description { get; init; }

    /// <summary>The parameter's <c>Tooltip</c>, from <c>[Parameter]</c>.</summary>
    public string? Tooltip { get; init; }
    public required ValueModel Value { get; init; }
    public bool Required { get; init; }
    public bool Secret { get; init; }
    public bool Multiline { get; init; }

    /// <summary>The object model this property belongs to.</summary>
    public required ObjectModel Owner { get; init; }

    /// <summary>The property's <c>[DefaultValue]</c>.</summary>
    public object? DeclaredDefault { get; init; }

    /// <summary>The default a listing shows: <see cref="DeclaredDefault"/>, else what a new instance holds. Read by
    /// listings only: it runs the plugin's constructor and getter.</summary>
    public object? DefaultValue => DeclaredDefault ?? TypeModels.DefaultOf(Property, Owner.Defaults);
    public required IReadOnlyList<ValidationAttribute> Validators { get; init; }

    /// <summary>The validators a bound value can fail: all but <c>[Required]</c> on a non-nullable value type, which a
    /// bound value always meets (a missing one is reported while binding). With none, the validator need not read the
    /// value, which for a value type would box it.</summary>
    public IReadOnlyList<ValidationAttribute> ValueChecks => _valueChecks ??= Validators
        .Where(v => !(v.GetType() == typeof(RequiredAttribute) && Property.PropertyType.IsValueType && Nullable.GetUnderlyingType(Property.PropertyType) is null))
        .ToList();

    private IReadOnlyList<ValidationAttribute>? _valueChecks;
}
