using System.Globalization;
using System.Text;

namespace Switchboard.Feel.Values;

/// <summary>Reads a JSON string that System.Text.Json will not: one holding an escaped lone surrogate (<c>"\ud83d"</c>).</summary>
/// <remarks>Such text is valid JSON (RFC 8259 allows any <c>\u</c> escape) and is what a service sends when it cuts text
/// between the two halves of a pair; FEEL reads it with U+FFFD in place of each lone half, as a decoder of UTF-16 would.</remarks>
internal static class LoneSurrogates
{
    /// <summary>The text of a JSON string token, quotes included, with each lone surrogate read as U+FFFD.</summary>
    public static string Decode(string token)
    {
        var text = new StringBuilder(token.Length);
        for (var i = 1; i < token.Length - 1; i++)
        {
            if (token[i] != '\\')
            {
                text.Append(token[i]);
                continue;
            }
            var escaped = token[++i];
            text.Append(escaped switch
            {
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => (char)int.Parse(token.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                _ => escaped, // \" \\ \/
            });
            if (escaped == 'u')
                i += 4;
        }
        // Pairs stay; each half without its other half becomes U+FFFD.
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                text[i] = '\uFFFD';
        }
        return text.ToString();
    }
}
