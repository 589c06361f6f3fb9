using System.Text.Json.Nodes;

namespace Switchboard.Core.Metadata;

/// <summary>One input or output parameter as every protocol describes it; holds no plugin type.</summary>
public sealed record ParameterMetadata(
    string Id,
    string Label,
    string? Description,
    ParameterKind Kind,
    bool Required,
    bool Nullable,
    JsonNode? DefaultValue,
    bool Secret,
    bool Multiline,
    IReadOnlyList<ChoiceMetadata> Choices,
    IReadOnlyList<ParameterMetadata> Children)
{
    /// <summary>A longer hint shown on hover in the Modeler; null when the parameter declares none.</summary>
    public string? Tooltip { get; init; }
}

/// <summary>One allowed value of an enum-like parameter.</summary>
public sealed record ChoiceMetadata(string Value, string Name);
