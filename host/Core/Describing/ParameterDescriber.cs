using System.ComponentModel.DataAnnotations;
using Switchboard.Core.Binding;
using Switchboard.Core.Metadata;

namespace Switchboard.Core.Describing;

/// <summary>Describes the parameters of one connector (every operation's input and output, or an inbound connector's
/// properties) as metadata, held to a size that listings, templates and the dashboard can carry.</summary>
/// <remarks>
/// Metadata is a tree, while plugin types may form a graph: a class with four properties of its own type, expanded to
/// the depth limit, made 4^9 parameters (a 75 MB template, a host that did not listen for half a minute). So a class met
/// again on its own path is not expanded again, as an object past the depth limit is not (a JSON field without listed
/// fields); and a connector whose types still describe more than <see cref="MaxParameters"/> parameters, a shape no
/// real connector has (the shipped ones describe a few dozen), fails its plugin's load, naming the connector and the cap.
/// </remarks>
internal sealed class ParameterDescriber(OutputWriter writer, string connectorClass, string connectorType)
{
    /// <summary>The most parameters one connector may describe, nested fields and every operation counted.</summary>
    public const int MaxParameters = 2000;

    /// <summary>The deepest nesting described; deeper objects are listed without their fields.</summary>
    private const int MaxDepth = 8;

    private readonly HashSet<ObjectModel> _path = [];
    private int _described;

    /// <summary>The parameters of <paramref name="model"/>'s properties, counted against this connector's cap.</summary>
    public IReadOnlyList<ParameterMetadata> Describe(ObjectModel model) => Parameters(model, 0);

    private IReadOnlyList<ParameterMetadata> Parameters(ObjectModel model, int depth)
    {
        if (depth > MaxDepth || !_path.Add(model))
            return [];
        try
        {
            // Two properties under one id would be bound from one field and written as one name twice, which JSON
            // readers take as the last (and the Modeler's form as one field bound twice).
            if (model.Properties.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new PluginLoadException($"{connectorClass}: connector '{connectorType}': properties " +
                    $"{string.Join(" and ", twice.Select(p => p.Property.Name))} of {model.ClrType.Name} both have the id '{twice.Key}'; " +
                    "give each its own with [Parameter(\"...\")] or [JsonPropertyName(\"...\")]");
            return model.Properties.Select(p => Parameter(p, depth)).ToList();
        }
        finally
        {
            _path.Remove(model);
        }
    }

    private ParameterMetadata Parameter(PropertyModel property, int depth)
    {
        if (++_described > MaxParameters)
            throw new PluginLoadException($"{connectorClass}: connector '{connectorType}' describes more than {MaxParameters} " +
                "parameters (its inputs and outputs with their nested fields), the most a connector may describe");
        var value = property.Value;
        var choices = value.EnumMembers.Select(m => new ChoiceMetadata(m.Wire, m.Name)).ToList();
        if (choices.Count == 0 && property.Validators.OfType<AllowedValuesAttribute>().FirstOrDefault() is { } allowed)
            choices = allowed.Values.Where(v => v is not null).Select(v => new ChoiceMetadata(v!.ToString()!, TypeModels.Words(v.ToString()!))).ToList();
        var kind = choices.Count > 0 && value.Kind == ParameterKind.String ? ParameterKind.Enum : value.Kind;
        return new ParameterMetadata(
            property.Id, property.Label, property.Description, kind, property.Required,
            value.AcceptsNull && !property.Required,
            writer.Write(property.DefaultValue), property.Secret, property.Multiline, choices,
            value.Object is { } nested ? Parameters(nested, depth + 1) : []) { Tooltip = property.Tooltip };
    }
}
