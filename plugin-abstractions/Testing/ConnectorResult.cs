using System.Text.Json.Nodes;
using Switchboard.Core;

namespace Switchboard.Testing;

/// <summary>What one call produced: the output as the host would send it, or the host's error for it; and what the connector logged.</summary>
/// <remarks><see cref="InvocationError"/> and <see cref="ErrorKind"/> are the core's own types (namespace <c>Switchboard.Core</c>), so a test asserts exactly what every protocol of the host maps.</remarks>
public sealed record ConnectorResult(JsonNode? Output, InvocationError? Error, IReadOnlyList<string> Logs)
{
    /// <summary>Whether the call succeeded.</summary>
    public bool Succeeded => Error is null;

    /// <summary>Status, headers and media type, when the connector returned a <c>ConnectorResponse</c>.</summary>
    public ResponseFacts? Response { get; init; }
}
