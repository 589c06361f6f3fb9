namespace Switchboard.Core.Metadata;

/// <summary>One operation of a connector; a single-operation connector has one with an empty id.</summary>
public sealed record OperationMetadata(
    string Id,
    string Name,
    string? Description,
    string SpiffCommand,
    TimeSpan Timeout,
    bool LongRunning,
    IReadOnlyList<ParameterMetadata> Input,
    IReadOnlyList<ParameterMetadata> Output);
