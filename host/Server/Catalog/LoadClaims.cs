using Switchboard.Host.Templates;

namespace Switchboard.Host.Catalog;

/// <summary>What the plugins loading right now declare (connector types, inbound connector types, element template ids),
/// so that two plugins loading side by side never both serve one: the first by name keeps the claim, and the other waits
/// for that load's outcome and loads again against what is then served.</summary>
/// <remarks>
/// Plugins load side by side so that one whose constructor or start blocks holds only its own load; before, they loaded
/// one after another and it held every other load and reload for the load timeout. Which of two plugins declaring one
/// type serves it must not depend on which finished loading first, or a restart could swap them. Not thread-safe: the
/// catalog calls it under its state lock, in the same step that reads or replaces the served index.
/// </remarks>
internal sealed class LoadClaims
{
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    /// <summary>Takes a generation's claims for its plugin, unless a load of a plugin earlier by name holds one of them:
    /// then nothing is taken and that load's outcome is returned, to wait for. Loads later by name holding one of them lose
    /// it (<see cref="LostTo"/>).</summary>
    public Task? Take(PluginGeneration generation, IReadOnlyList<ElementTemplateClaims.Claim> templates)
    {
        var plugin = generation.PluginName;
        var rivals = _pending.Values.Where(p => p.Plugin != plugin && p.Overlaps(generation, templates)).ToList();
        if (rivals.FirstOrDefault(r => string.CompareOrdinal(r.Plugin, plugin) < 0) is { } earlier)
            return earlier.Outcome.Task;
        var mine = new Pending(generation, templates);
        foreach (var rival in rivals)
            rival.Lost ??= mine.Outcome.Task;
        _pending[plugin] = mine;
        return null;
    }

    /// <summary>The outcome of the load, earlier by name, that took one of <paramref name="plugin"/>'s claims after it took
    /// them; null when it keeps them all.</summary>
    public Task? LostTo(string plugin) => _pending.TryGetValue(plugin, out var pending) ? pending.Lost : null;

    /// <summary>Drops a plugin's claims (it serves them now, or its load ended without serving) and lets the loads waiting
    /// on its outcome go on. Does nothing when it holds none.</summary>
    public void Release(string plugin)
    {
        if (_pending.Remove(plugin, out var pending))
            pending.Outcome.TrySetResult();
    }

    private sealed class Pending(PluginGeneration generation, IReadOnlyList<ElementTemplateClaims.Claim> templates)
    {
        private readonly HashSet<string> _types = generation.Connectors.Select(c => c.Metadata.Type).ToHashSet(StringComparer.Ordinal);
        private readonly HashSet<string> _inbound = generation.Inbound.Select(i => i.Metadata.Type).ToHashSet(StringComparer.Ordinal);

        public string Plugin { get; } = generation.PluginName;

        public TaskCompletionSource Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task? Lost { get; set; }

        public bool Overlaps(PluginGeneration other, IReadOnlyList<ElementTemplateClaims.Claim> otherTemplates) =>
            other.Connectors.Any(c => _types.Contains(c.Metadata.Type))
            || other.Inbound.Any(i => _inbound.Contains(i.Metadata.Type))
            || ElementTemplateClaims.Collision(otherTemplates, templates) is not null;
    }
}
