using Switchboard.Abstractions;
using Switchboard.Host.Catalog;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>The commands the proxy publishes, rebuilt from the catalog on every change so they follow hot reloads.</summary>
internal sealed class SpiffCommandIndex
{
    /// <summary>Ids the backend serves with its own built-in HTTP client; it hides proxy commands of the same name.</summary>
    public static readonly IReadOnlySet<string> ReservedIds = new HashSet<string>(StringComparer.Ordinal)
    {
        "http/GetRequest", "http/PostRequest", "http/PutRequest", "http/PatchRequest", "http/DeleteRequest", "http/HeadRequest",
    };

    private readonly PluginCatalog _catalog;
    private readonly ILogger _logger;
    private readonly Lock _rebuildLock = new();
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot = new(new Dictionary<string, SpiffCommand>(), [], "[]"u8.ToArray());

    public SpiffCommandIndex(PluginCatalog catalog, ILogger<SpiffCommandIndex> logger)
    {
        _catalog = catalog;
        _logger = logger;
        // Called now with the current connectors and again after every change: the index never misses the initial load.
        catalog.Subscribe(_ => Rebuild());
    }

    /// <summary>The published commands in id order.</summary>
    public IReadOnlyList<SpiffCommand> Commands => _snapshot.Ordered;

    /// <summary>The <c>GET /v1/commands</c> answer, serialized once per catalog change.</summary>
    public ReadOnlyMemory<byte> CommandListJson => _snapshot.ListJson;

    /// <summary>Finds a published command by its exact id.</summary>
    public SpiffCommand? Find(string id) => _snapshot.ById.GetValueOrDefault(id);

    /// <summary>Finds a published command by the two parts of its id (<c>plugin/Command</c>, as the request path
    /// names them), without making the id's string: every <c>/v1/do</c> request looks its command up.</summary>
    public SpiffCommand? Find(string plugin, string command)
    {
        var length = plugin.Length + 1 + command.Length;
        if (length > 256)
            return Find(plugin + "/" + command);
        Span<char> id = stackalloc char[length];
        plugin.CopyTo(id);
        id[plugin.Length] = '/';
        command.CopyTo(id[(plugin.Length + 1)..]);
        return _snapshot.ById.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var found) ? found : null;
    }

    private void Rebuild()
    {
        // Reading the catalog inside the lock makes the last rebuild see the newest catalog, whatever order changes arrive in.
        lock (_rebuildLock)
        {
            var byId = new Dictionary<string, SpiffCommand>(StringComparer.Ordinal);
            var connectors = _catalog.Connectors;
            // A command keeps the connector that serves it while that connector still declares it: a plugin deployed
            // later with the same id must not take over the callers of a live route. Between newcomers, the first by type.
            var declared = new HashSet<(string Type, string Id)>();
            foreach (var connector in connectors)
                foreach (var operation in connector.Operations)
                    declared.Add((connector.Type, operation.SpiffCommand));
            var served = _snapshot.ById;
            foreach (var connector in connectors)
            {
                foreach (var operation in connector.Operations)
                {
                    var id = operation.SpiffCommand;
                    if (ReservedIds.Contains(id))
                    {
                        if (FirstReport(id, connector.Type))
                            _logger.LogWarning("Command {Command} of connector {Connector} is not published via {Protocol}: the backend reserves that id for its built-in HTTP client; rename it, e.g. {Suggestion}",
                                id, connector.Type, Protocol.Spiff, id + "V2");
                    }
                    else if (byId.TryGetValue(id, out var holder)
                             || (served.TryGetValue(id, out holder) && holder.Connector.Type != connector.Type && declared.Contains((holder.Connector.Type, id))))
                    {
                        if (FirstReport(id, connector.Type))
                            _logger.LogWarning("Command {Command} of connector {Connector} is not published via {Protocol}: connector {OtherConnector} already serves it",
                                id, connector.Type, Protocol.Spiff, holder.Connector.Type);
                    }
                    else
                    {
                        byId[id] = new SpiffCommand(id, connector, operation);
                    }
                }
            }
            var ordered = byId.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
            _snapshot = new Snapshot(byId, ordered, SpiffCommandList.Serialize(ordered));
        }
    }

    private bool FirstReport(string id, string connector) => _reported.Add(connector + "|" + id);

    private sealed record Snapshot(Dictionary<string, SpiffCommand> ById, IReadOnlyList<SpiffCommand> Ordered, byte[] ListJson);
}
