using Microsoft.Extensions.Options;

namespace Switchboard.Host.Protocols.Inbound;

/// <summary>Every activation served now, by webhook path: those declared in configuration, and those found in the
/// deployed processes (replaced whole on each discovery round). A snapshot is swapped, never changed in place.</summary>
internal sealed class ActivationRegistry
{
    private readonly IReadOnlyList<Activation> _configured;
    private readonly ILogger _logger;
    private volatile IReadOnlyDictionary<string, Activation> _byContext;
    private IReadOnlyList<Activation> _discovered = [];

    public ActivationRegistry(IOptions<InboundOptions> options, ILogger<ActivationRegistry> logger)
    {
        _configured = options.Value.Parsed;
        _logger = logger;
        _byContext = Index([]);
    }

    /// <summary>Raised after the set of activations changed (the pollers and subscriptions follow it).</summary>
    public event Action? Changed;

    /// <summary>Every activation, configured ones first.</summary>
    public IReadOnlyList<Activation> All => [.. _configured, .. _discovered];

    public bool TryGet(string context, out Activation activation) => _byContext.TryGetValue(context, out activation!);

    /// <summary>Replaces the activations found in deployed processes; returns whether anything changed.</summary>
    /// <remarks>Discovery keeps the activations of a definition it has read, so an unchanged round hands back equal
    /// ones and the index (and its warnings about shared paths) is rebuilt only when something changed.</remarks>
    public bool SetDiscovered(IReadOnlyList<Activation> discovered)
    {
        if (discovered.Count == _discovered.Count && !discovered.Except(_discovered).Any())
            return false;
        _discovered = discovered;
        _byContext = Index(discovered);
        Changed?.Invoke();
        return true;
    }

    private IReadOnlyDictionary<string, Activation> Index(IReadOnlyList<Activation> discovered)
    {
        var byContext = new Dictionary<string, Activation>(StringComparer.OrdinalIgnoreCase);
        foreach (var activation in _configured.Concat(discovered))
        {
            // A path declared in configuration wins; two processes claiming one path: the first keeps it, said once per change.
            if (!byContext.TryAdd(activation.Context, activation))
                _logger.LogWarning("Inbound activation {Activation} is not served: {Other} already listens on /inbound/{Context}",
                    activation.Id, byContext[activation.Context].Id, activation.Context);
        }
        return byContext;
    }
}
