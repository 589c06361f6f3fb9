using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Core.Invoking;

/// <summary>Replaces known secret values with <c>***</c> in text and JSON leaving the host.</summary>
/// <remarks>
/// A secret reaches text as itself and, as often, JSON-escaped: a connector's error quoting the JSON body it sent, an
/// upstream echoing JSON as plain text (<c>tok\"x</c>, <c>p\u00E4ss</c>). Each of those spellings is masked. JSON is
/// masked by its values, never by its text: a numeric secret replaced inside the text of a number (a PIN <c>4711</c> in
/// <c>47110</c>) made JSON no reader takes, and failed the call that had succeeded.
/// </remarks>
internal sealed class SecretMasker
{
    public const string Mask = "***";

    // Every spelling of every secret, longest first, so a secret containing another is masked whole.
    private readonly List<string> _forms;

    // The secrets themselves: a JSON number or literal is masked only when it is one of them whole.
    private readonly HashSet<string> _whole;

    private static readonly List<string> NoSecrets = [];

    /// <summary>A masker with nothing to mask, shared by every call that has no secrets.</summary>
    public static readonly SecretMasker None = new([]);

    public SecretMasker(IEnumerable<string> secrets)
    {
        // Most calls have none: nothing to spell out or sort for them.
        if (secrets is ICollection<string> { Count: 0 })
        {
            _forms = NoSecrets;
            _whole = [];
            return;
        }
        _whole = secrets.Where(s => s.Length >= 3).ToHashSet(StringComparer.Ordinal);
        _forms = _whole.SelectMany(Spellings).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToList();
    }

    public bool IsEmpty => _forms.Count == 0;

    public string Apply(string text)
    {
        foreach (var form in _forms)
            text = text.Replace(form, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>The node with every secret masked in its keys and strings, and any number or literal that is a secret
    /// made the mask; the same node when there was nothing to mask.</summary>
    public JsonNode? Apply(JsonNode? node)
    {
        if (node is null || IsEmpty)
            return node;
        try
        {
            var changed = false;
            var masked = Walk(node, ref changed);
            return changed ? masked : node;
        }
        catch (InvalidOperationException)
        {
            // JSON that System.Text.Json cannot read as text (a key holding an escaped lone surrogate): nothing of it
            // can be looked at, so none of it leaves.
            return JsonValue.Create(Mask);
        }
    }

    private JsonNode? Walk(JsonNode? node, ref bool changed)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject map:
            {
                var copy = new JsonObject();
                foreach (var (key, child) in map)
                {
                    var maskedKey = Apply(key);
                    changed |= maskedKey != key;
                    copy[maskedKey] = Walk(child, ref changed);
                }
                return copy;
            }
            case JsonArray list:
            {
                var copy = new JsonArray();
                foreach (var item in list)
                    copy.Add(Walk(item, ref changed));
                return copy;
            }
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
            {
                var text = value.GetValue<string>();
                var masked = Apply(text);
                if (masked == text)
                    return value.DeepClone();
                changed = true;
                return JsonValue.Create(masked);
            }
            default:
            {
                if (_whole.Contains(node.ToJsonString()))
                {
                    changed = true;
                    return JsonValue.Create(Mask);
                }
                return node.DeepClone();
            }
        }
    }

    // The secret, the secret as JSON writers escape it (only quotes, backslashes and controls, relaxed; or every
    // character outside ASCII and the HTML-sensitive ones too, in upper- or lower-case hex), and as a URL carries it
    // (a connector shows the address it called, percent-encoded).
    private static IEnumerable<string> Spellings(string secret)
    {
        yield return secret;
        var inUrl = Uri.EscapeDataString(secret);
        yield return inUrl;
        yield return LowerHex(inUrl);
        yield return JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        var strict = JsonEncodedText.Encode(secret, JavaScriptEncoder.Default).ToString();
        yield return strict;
        yield return LowerHex(strict);
        foreach (var encoded in Base64Spellings(secret))
            yield return encoded;
    }

    // Shorter runs of base64 than this are not masked: a few characters could stand for anything.
    private const int ShortestBase64 = 8;

    // A secret inside base64 (an Authorization: Basic header an upstream echoes back, user:password encoded together; a
    // token a connector encodes): the characters its bytes alone make, at each of the three places in a 3-byte group it
    // can start at. The characters it shares with its neighbours' bits are left, and say too little to give it away.
    private static IEnumerable<string> Base64Spellings(string secret)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(secret);
        for (var offset = 0; offset < 3; offset++)
        {
            var padded = new byte[offset + bytes.Length];
            bytes.CopyTo(padded, offset);
            var text = Convert.ToBase64String(padded);
            // Character i holds bits [6i, 6i + 6); the secret's bytes are bits [8 offset, 8 (offset + length)).
            var first = (8 * offset + 5) / 6;
            var end = 8 * (offset + bytes.Length) / 6;
            if (end - first < ShortestBase64)
                continue;
            var fragment = text[first..end];
            yield return fragment;
            // The URL-safe alphabet (JWTs, base64url), where it differs.
            yield return fragment.Replace('+', '-').Replace('/', '_');
        }
    }

    // Hex digits of \uXXXX and %XX escapes in lower case; other characters as they are.
    private static string LowerHex(string escaped)
    {
        var text = escaped.ToCharArray();
        for (var i = 0; i < text.Length; i++)
        {
            var digits = text[i] == '%' && i + 2 < text.Length ? 2 : text[i] == '\\' && i + 5 < text.Length && text[i + 1] == 'u' ? 4 : 0;
            var first = text[i] == '%' ? i + 1 : i + 2;
            for (var h = first; h < first + digits; h++)
                text[h] = char.ToLowerInvariant(text[h]);
            if (digits > 0)
                i = first + digits - 1;
        }
        return new string(text);
    }
}
