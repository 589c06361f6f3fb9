using System.Collections.Concurrent;

namespace Switchboard.Host.Telemetry;

/// <summary>The error codes one host counts each connector's failed calls under: at most
/// <see cref="MaxPerConnector"/> distinct ones per connector, later ones as <c>(other)</c>.</summary>
/// <remarks>A code is the connector's to choose, and one made of its input (an upstream's message, an id) would
/// otherwise make a series of every call instrument per call, until the metrics library's limit of series per
/// instrument is spent and every connector's new series are lumped together.</remarks>
internal sealed class ErrorCodeLabels
{
    /// <summary>Distinct codes counted per connector.</summary>
    public const int MaxPerConnector = 100;

    /// <summary>What the codes past the bound are counted as.</summary>
    public const string Other = "(other)";

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _codes = new(StringComparer.Ordinal);

    /// <summary>The label for <paramref name="code"/> of a call of <paramref name="connector"/> (a loaded type, or <c>(unknown)</c>).</summary>
    public string Label(string connector, string code)
    {
        var codes = _codes.TryGetValue(connector, out var known) ? known
            : _codes.GetOrAdd(connector, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        if (codes.ContainsKey(code))
            return code;
        // Counted loosely: calls racing past the check may add a code or two over the bound.
        if (codes.Count >= MaxPerConnector)
            return Other;
        codes.TryAdd(code, 0);
        return code;
    }
}
