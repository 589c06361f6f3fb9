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
    public object? DefaultValue { get; init; }
    public required IReadOnlyList<ValidationAttribute> Validators { get; init; }

    /// <summary>The validators a bound value can fail: all but <c>[Required]</c> on a non-nullable value type, which a
    /// bound value always meets (a missing one is reported while binding). With none, the validator need not read the
    /// value, which for a value type would box it.</summary>
    public IReadOnlyList<ValidationAttribute> ValueChecks => _valueChecks ??= Validators
        .Where(v => !(v.GetType() == typeof(RequiredAttribute) && Property.PropertyType.IsValueType && Nullable.GetUnderlyingType(Property.PropertyType) is null))
        .ToList();

    private IReadOnlyList<ValidationAttribute>? _valueChecks;
}
