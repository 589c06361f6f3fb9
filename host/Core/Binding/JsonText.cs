using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Core.Binding;

/// <summary>Finds strings in parsed JSON that are not Unicode text: escapes of lone surrogates such as <c>"\ud800"</c>.</summary>
/// <remarks>
/// Valid UTF-8 can still carry them as <c>\u</c> escapes, which the parser accepts; they fail later, when a value is
/// read or written, as an error of the connector's or a lost answer. Checked once on the way in, they are the
/// caller's input error, named by path.
/// </remarks>
internal static class JsonText
{
    /// <summary>What a key or string that <see cref="FindInvalid"/> finds is, as the protocols say it after its path.</summary>
    public const string NotText = "is not Unicode text: it holds a lone surrogate escape such as \\ud800";

    /// <summary>Whether JSON text could hold a surrogate escape at all (<c>\uD800</c> to <c>\uDFFF</c>, in either case).</summary>
    /// <remarks>A lone surrogate can only arrive as such an escape (the raw bytes are checked as UTF-8 first), so when
    /// there is none a parsed request need not be walked by <see cref="FindInvalid"/>, which reads every key and string
    /// again. Pairs and escaped backslashes followed by <c>ud8..</c> also answer true: the walk then decides.</remarks>
    public static bool MayHoldSurrogateEscapes(ReadOnlySpan<byte> json)
    {
        for (var at = json.IndexOf("\\u"u8); at >= 0; at = json.IndexOf("\\u"u8))
        {
            json = json[(at + 2)..];
            if (json.Length >= 2 && (json[0] | 0x20) == 'd' && IsSurrogateSecondDigit(json[1]))
                return true;
        }
        return false;
    }

    // D800-DFFF: the escape's second hex digit is 8, 9 or a-f.
    private static bool IsSurrogateSecondDigit(byte digit) => digit is (byte)'8' or (byte)'9' || (digit | 0x20) is >= 'a' and <= 'f';

    /// <summary>The path (<c>a.b[2]</c>) of the first key or string under <paramref name="node"/> that is not Unicode text, or null.</summary>
    public static string? FindInvalid(JsonNode? node, string path = "")
    {
        switch (node)
        {
            case JsonObject map:
                List<KeyValuePair<string, JsonNode?>> members;
                try
                {
                    members = map.ToList();
                }
                catch (InvalidOperationException)
                {
                    return path.Length == 0 ? "(a key)" : path + " (a key)";
                }
                foreach (var (key, value) in members)
                {
                    var here = path.Length == 0 ? Shown(key) : path + "." + Shown(key);
                    if (!IsText(key))
                        return here;
                    if (FindInvalid(value, here) is { } found)
                        return found;
                }
                return null;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                    if (FindInvalid(list[i], $"{path}[{i}]") is { } found)
                        return found;
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    return IsText(value.GetValue<string>()) ? null : path;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }
            default:
                return null;
        }
    }

    /// <summary>JSON text with each escape of a lone surrogate written <c>\ufffd</c> instead: the same JSON, every string
    /// of it Unicode text. Escapes of pairs, and everything else, are kept as they are.</summary>
    public static string WithoutLoneSurrogates(string json)
    {
        var text = new StringBuilder(json);
        for (var i = 0; i < text.Length - 1; i++)
        {
            if (text[i] != '\\')
                continue;
            if (SurrogateEscapeAt(text, i) is not { } unit)
            {
                i++; // past the escaped character: a backslash escaped is not the start of another escape
                continue;
            }
            if (char.IsHighSurrogate(unit) && SurrogateEscapeAt(text, i + 6) is { } next && char.IsLowSurrogate(next))
            {
                i += 11;
                continue;
            }
            text.Remove(i, 6).Insert(i, "\\ufffd");
            i += 5;
        }
        return text.ToString();
    }

    // The surrogate a \uXXXX escape at the index stands for; null for any other escape or text.
    private static char? SurrogateEscapeAt(StringBuilder text, int at)
    {
        if (at + 6 > text.Length || text[at] != '\\' || text[at + 1] != 'u')
            return null;
        var unit = 0;
        for (var i = at + 2; i < at + 6; i++)
        {
            var digit = HexDigit(text[i]);
            if (digit < 0)
                return null;
            unit = unit * 16 + digit;
        }
        return char.IsSurrogate((char)unit) ? (char)unit : null;
    }

    private static int HexDigit(char c) => c is >= '0' and <= '9' ? c - '0' : (c | 0x20) is >= 'a' and <= 'f' ? (c | 0x20) - 'a' + 10 : -1;

    /// <summary>Whether every surrogate in <paramref name="text"/> is half of a pair.</summary>
    public static bool IsText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
                continue;
            if (!char.IsHighSurrogate(text[i]) || i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                return false;
            i++;
        }
        return true;
    }

    /// <summary>A key as a path shows it: lone surrogates and control characters escaped.</summary>
    private static string Shown(string key)
    {
        if (IsText(key) && !key.Any(char.IsControl))
            return key;
        var builder = new StringBuilder(key.Length + 8);
        foreach (var c in key)
            builder.Append(char.IsSurrogate(c) || char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return builder.ToString();
    }
}
