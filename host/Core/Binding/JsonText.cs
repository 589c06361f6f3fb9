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
