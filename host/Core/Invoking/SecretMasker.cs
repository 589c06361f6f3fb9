using System.Text.Json.Nodes;

namespace Switchboard.Core.Invoking;

/// <summary>Replaces known secret values with <c>***</c> in text and JSON leaving the host.</summary>
internal sealed class SecretMasker
{
    public const string Mask = "***";

    private readonly List<string> _secrets;

    private static readonly List<string> NoSecrets = [];

    /// <summary>A masker with nothing to mask, shared by every call that has no secrets.</summary>
    public static readonly SecretMasker None = new([]);

    public SecretMasker(IEnumerable<string> secrets) =>
        // Longest first, so a secret containing another is masked whole. Most calls have none: no sorting for them.
        _secrets = secrets is ICollection<string> { Count: 0 } ? NoSecrets
            : secrets.Where(s => s.Length >= 3).Distinct().OrderByDescending(s => s.Length).ToList();

    public bool IsEmpty => _secrets.Count == 0;

    public string Apply(string text)
    {
        foreach (var secret in _secrets)
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        return text;
    }

    public JsonNode? Apply(JsonNode? node)
    {
        if (node is null || IsEmpty)
            return node;
        var json = node.ToJsonString();
        var masked = json;
        foreach (var secret in _secrets)
        {
            masked = masked.Replace(secret, Mask, StringComparison.Ordinal);
            var escaped = JsonValue.Create(secret).ToJsonString()[1..^1];
            if (escaped != secret)
                masked = masked.Replace(escaped, Mask, StringComparison.Ordinal);
        }
        return masked == json ? node : JsonNode.Parse(masked);
    }
}
