namespace Switchboard.Abstractions;

/// <summary>Overrides how an input or output property is named and shown; optional.</summary>
/// <remarks>
/// Without it a property's id is its name in camelCase. Descriptions come from
/// <see cref="System.ComponentModel.DescriptionAttribute"/>, requirements and allowed values from
/// System.ComponentModel.DataAnnotations, defaults from the property's initial value or
/// <see cref="System.ComponentModel.DefaultValueAttribute"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ParameterAttribute : Attribute
{
    /// <summary>Keeps the default id and sets only what is assigned.</summary>
    public ParameterAttribute() { }

    /// <summary>Names the parameter on the wire, e.g. <c>smtp_host</c>.</summary>
    public ParameterAttribute(string id) => Id = id;

    /// <summary>The parameter's id on every protocol; null keeps the camelCase property name.</summary>
    public string? Id { get; }

    /// <summary>Label shown in element templates; defaults to the property name in sentence case (<c>SmtpHost</c>: "SMTP host").</summary>
    public string? Label { get; set; }

    /// <summary>Whether the value is long text (a multi-line field in element templates).</summary>
    public bool Multiline { get; set; }

    /// <summary>A longer hint than the description, shown on hover in the Modeler (an element template's <c>tooltip</c>).</summary>
    public string? Tooltip { get; set; }
}
