namespace Switchboard.Host.Catalog;

/// <summary>One gate per plugin name: a plugin's loads, reloads and removals run one at a time, and different plugins'
/// side by side.</summary>
/// <remarks>A single gate for the whole catalog let one plugin whose constructor or start blocks hold every other
/// plugin's load and reload, and the host's start, for the load timeout.</remarks>
internal sealed class PluginGates
{
    private readonly Dictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>Waits for <paramref name="plugin"/>'s gate; disposing the result opens it again.</summary>
    public async Task<IDisposable> EnterAsync(string plugin, CancellationToken cancellationToken = default)
    {
        var gate = Of(plugin);
        await gate.WaitAsync(cancellationToken);
        return new Entered([gate]);
    }

    /// <summary>Waits for every plugin's gate, in name order; disposing the result opens them all again.</summary>
    public async Task<IDisposable> EnterAllAsync(CancellationToken cancellationToken)
    {
        KeyValuePair<string, SemaphoreSlim>[] gates;
        lock (_gates)
            gates = _gates.OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        var entered = new List<SemaphoreSlim>(gates.Length);
        try
        {
            foreach (var (_, gate) in gates)
            {
                await gate.WaitAsync(cancellationToken);
                entered.Add(gate);
            }
        }
        catch
        {
            new Entered(entered).Dispose();
            throw;
        }
        return new Entered(entered);
    }

    private SemaphoreSlim Of(string plugin)
    {
        lock (_gates)
        {
            if (!_gates.TryGetValue(plugin, out var gate))
                _gates[plugin] = gate = new SemaphoreSlim(1, 1);
            return gate;
        }
    }

    private sealed class Entered(IReadOnlyList<SemaphoreSlim> gates) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                foreach (var gate in gates)
                    gate.Release();
        }
    }
}
