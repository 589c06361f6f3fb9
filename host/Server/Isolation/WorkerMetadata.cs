using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Core.Metadata;

namespace Switchboard.Host.Isolation;

/// <summary>Connector metadata as it crosses from a worker to the host: the same records, as JSON.</summary>
internal static class WorkerMetadata
{
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = false };

    // Read strictly: the worker's connection is open to its plugin's code, which can answer in its stead. A record with a
    // missing or null field the host relies on would fail later, in the catalog's index or a protocol's listing.
    private static readonly JsonSerializerOptions Strict = new(Options) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    public static JsonArray Write(IEnumerable<ConnectorMetadata> connectors) =>
        new(connectors.Select(c => JsonSerializer.SerializeToNode(c, Options)).ToArray());

    /// <inheritdoc cref="Write(IEnumerable{ConnectorMetadata})"/>
    public static JsonArray Write(IEnumerable<InboundConnectorMetadata> connectors) =>
        new(connectors.Select(c => JsonSerializer.SerializeToNode(c, Options)).ToArray());

    /// <summary>The connectors a worker described; throws <see cref="InvalidDataException"/> naming the first thing wrong.</summary>
    public static IReadOnlyList<ConnectorMetadata> Read(JsonArray connectors) => ReadEach<ConnectorMetadata>(connectors, "a connector", Check);

    /// <summary>The inbound connectors a worker described; throws <see cref="InvalidDataException"/> naming the first thing wrong.</summary>
    public static IReadOnlyList<InboundConnectorMetadata> ReadInbound(JsonArray connectors) => ReadEach<InboundConnectorMetadata>(connectors, "an inbound connector", connector =>
    {
        if (connector.Type.Length == 0 || !Enum.IsDefined(connector.Kind) || connector.Keywords.Any(k => k is null))
            throw new InvalidDataException($"inbound connector '{Logging.LogValueSanitizer.Escape(connector.Type, 200)}' has no type, no known kind or a null keyword");
        Check(connector.Properties, connector.Type);
    });

    private static List<T> ReadEach<T>(JsonArray nodes, string what, Action<T> check) where T : class
    {
        var read = new List<T>(nodes.Count);
        foreach (var node in nodes)
        {
            T item;
            try
            {
                item = node?.Deserialize<T>(Strict) ?? throw new InvalidDataException(what + " is null");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{what} is not one: {e.Message}", e);
            }
            check(item);
            read.Add(item);
        }
        return read;
    }

    // What the serializer does not check: list items (nullable annotations do not reach type arguments) and the rules
    // every described connector keeps.
    private static void Check(ConnectorMetadata connector)
    {
        if (connector.Type.Length == 0 || connector.Operations.Count == 0 || connector.Operations.Any(o => o is null) || connector.Keywords.Any(k => k is null))
            throw new InvalidDataException($"connector '{Logging.LogValueSanitizer.Escape(connector.Type, 200)}' has no type, no operations or a null entry");
        foreach (var operation in connector.Operations)
        {
            if (operation.Timeout <= TimeSpan.Zero || operation.Timeout > Core.Describing.LongestWait.Value)
                throw new InvalidDataException($"operation '{Logging.LogValueSanitizer.Escape(operation.Id, 200)}' of '{Logging.LogValueSanitizer.Escape(connector.Type, 200)}' has a timeout of {operation.Timeout}");
            Check(operation.Input, connector.Type);
            Check(operation.Output, connector.Type);
        }
    }

    private static void Check(IReadOnlyList<ParameterMetadata> parameters, string type)
    {
        foreach (var parameter in parameters)
        {
            if (parameter is null || parameter.Choices.Any(c => c is null))
                throw new InvalidDataException($"connector '{Logging.LogValueSanitizer.Escape(type, 200)}' has a null parameter or choice");
            Check(parameter.Children, type);
        }
    }
}
