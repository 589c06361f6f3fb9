using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Isolation;

/// <summary>Connector metadata as it crosses from a worker to the host: the same records, as JSON.</summary>
internal static class WorkerMetadata
{
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = false };

    public static JsonArray Write(IEnumerable<ConnectorMetadata> connectors) =>
        new(connectors.Select(c => JsonSerializer.SerializeToNode(c, Options)).ToArray());

    public static IReadOnlyList<ConnectorMetadata> Read(JsonArray connectors) =>
        connectors.Select(c => c.Deserialize<ConnectorMetadata>(Options)!).ToList();
}
