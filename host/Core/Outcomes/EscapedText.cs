using System.Globalization;
using System.Text;

namespace Switchboard.Core.Outcomes;

/// <summary>Text from outside as the host's logs and messages quote it: control and format characters escaped, its
/// length capped. One rule for the host's log pipeline and for the core's messages that quote a value (a plugin setting
/// that is not a number).</summary>
internal static class EscapedText
{
    // By code point, not by UTF-16 unit: the tag characters that hide text lie outside the BMP, as surrogate pairs.
    public static bool IsUnsafe(Rune r) =>
        Rune.IsControl(r) || r.Value is 0x2028 or 0x2029 || Rune.GetUnicodeCategory(r) == UnicodeCategory.Format;

    /// <summary>A name from a request (a connector type, an operation, a command) as an answer or a log line quotes it:
    /// escaped, and at most 200 characters, since an answer echoing a 500,000-character name whole was half a megabyte.</summary>
    public static string Quote(string text) => Of(text, 200);

    /// <summary>Control and format characters as C-style escapes (each UTF-16 unit of one outside the BMP as <c>\uXXXX</c>),
    /// then at most <paramref name="max"/> characters and a marker saying how many were cut; line breaks kept as they are
    /// with <paramref name="keepLineBreaks"/>, for a writer that escapes them itself.</summary>
    public static string Of(string text, int max, bool keepLineBreaks = false)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 32);
        var taken = 0;
        while (taken < text.Length && builder.Length < max)
        {
            // A lone surrogate decodes as one unit of U+FFFD, which is safe: it is kept as it was.
            Rune.DecodeFromUtf16(text.AsSpan(taken), out var rune, out var units);
            switch (rune.Value)
            {
                case '\n' or '\r' when keepLineBreaks: builder.Append((char)rune.Value); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    if (IsUnsafe(rune))
                        for (var i = 0; i < units; i++)
                            builder.Append("\\u").Append(((int)text[taken + i]).ToString("x4"));
                    else
                        builder.Append(text, taken, units);
                    break;
            }
            taken += units;
        }
        if (taken < text.Length)
            builder.Append("…[").Append(text.Length - taken).Append(" more characters]");
        return builder.ToString();
    }
}
