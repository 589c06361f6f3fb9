using Switchboard.Host.Protocols.Zeebe.Secrets;
using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Every activation served now, by webhook path: those declared in configuration, and those found in the
/// deployed processes (replaced whole on each discovery round). A snapshot is swapped, never changed in place.</summary>
internal sealed class ActivationRegistry
{
    private readonly IReadOnlyList<Activation> _configured;
    private readonly int _maxTaskActivations;
    private readonly ILogger _logger;
    private volatile IReadOnlyDictionary<string, Activation> _byContext;
    private IReadOnlyList<Activation> _discovered = [];
    private readonly Dictionary<string, Activation> _byTask = new(StringComparer.Ordinal);

    /// <param name="secrets">Where <c>{{secrets.NAME}}</c> in the configured activations' properties is looked up (the
    /// Zeebe adapter's provider); none leaves them as written.</param>
    public ActivationRegistry(IOptions<InboundOptions> options, ILogger<ActivationRegistry> logger, ISecretProvider? secrets = null)
    {
        _configured = options.Value.Parsed.Select(a => ActivationSecrets.Apply(a, secrets)).ToList();
        _maxTaskActivations = options.Value.MaxTaskActivations;
        _logger = logger;
        _byContext = Index([]);
    }

    /// <summary>Raised after the set of activations changed (the pollers and subscriptions follow it).</summary>
    public event Action? Changed;

    /// <summary>Every activation: configured ones first, then those found in deployed processes, then those a task activated.</summary>
    public IReadOnlyList<Activation> All
    {
        get
        {
            lock (_byTask)
                return [.. _configured, .. _discovered, .. _byTask.Values];
        }
    }

    /// <summary>Adds (or replaces) an activation made by an <c>_activate_inbound_connector</c> task; returns whether it is
    /// new or changed. Throws <see cref="InvalidOperationException"/> for a new one past
    /// <see cref="InboundOptions.MaxTaskActivations"/>.</summary>
    public bool SetTaskActivation(Activation activation)
    {
        lock (_byTask)
        {
            if (!_byTask.ContainsKey(activation.Id) && _byTask.Count >= _maxTaskActivations)
                throw new InvalidOperationException($"this host already serves {_byTask.Count} activations made by tasks, the most " +
                    $"{InboundOptions.Section}:MaxTaskActivations allows; each lasts until the host stops");
            // The same task run again (its job retried, or the process instance started twice) keeps the running activation.
            // Its properties and secrets are new collections each time: compared by content, not by reference.
            if (_byTask.TryGetValue(activation.Id, out var existing)
                && existing with { Properties = activation.Properties, Secrets = activation.Secrets } == activation
                && existing.Properties.Count == activation.Properties.Count
                && existing.Properties.All(p => activation.Properties.TryGetValue(p.Key, out var value) && value == p.Value)
                && existing.Secrets.Count == activation.Secrets.Count && existing.Secrets.All(activation.Secrets.Contains))
                return false;
            _byTask[activation.Id] = activation;
            _byContext = Index(_discovered);
        }
        Changed?.Invoke();
        return true;
    }

    public bool TryGet(string context, out Activation activation) => _byContext.TryGetValue(context, out activation!);

    /// <summary>Replaces the activations found in deployed processes; returns whether anything changed.</summary>
    /// <remarks>Discovery keeps the activations of a definition it has read, so an unchanged round hands back equal
    /// ones and the index (and its warnings about shared paths) is rebuilt only when something changed.</remarks>
    public bool SetDiscovered(IReadOnlyList<Activation> discovered)
    {
        // Under the tasks' lock, as SetTaskActivation's: an index built from the tasks before a task was added, swapped
        // in after that task's own index, lost the task's path until the next change.
        lock (_byTask)
        {
            if (discovered.Count == _discovered.Count && !discovered.Except(_discovered).Any())
                return false;
            _discovered = discovered;
            _byContext = Index(discovered);
        }
        Changed?.Invoke();
        return true;
    }

    private IReadOnlyDictionary<string, Activation> Index(IReadOnlyList<Activation> discovered)
    {
        var byContext = new Dictionary<string, Activation>(StringComparer.OrdinalIgnoreCase);
        List<Activation> byTask;
        lock (_byTask)
            byTask = [.. _byTask.Values];
        foreach (var activation in _configured.Concat(discovered).Concat(byTask))
        {
            // A path declared in configuration wins; two processes claiming one path: the first keeps it, said once per change.
            if (!byContext.TryAdd(activation.Context, activation))
                _logger.LogWarning("Inbound activation {Activation} is not served: {Other} already listens on /inbound/{Context}",
                    activation.Id, byContext[activation.Context].Id, activation.Context);
        }
        return byContext;
    }
}
