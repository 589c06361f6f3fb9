using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Feel.Values;
using Switchboard.Feel.Evaluation;
using static Switchboard.Feel.BuiltIns.BuiltIn;

namespace Switchboard.Feel.BuiltIns;

/// <summary>FEEL string functions (positions are 1-based; negative positions count from the end).</summary>
public static class StringFunctions
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    public static IEnumerable<FeelFunction> All() =>
    [
        Define("substring", "string, start position, length", Substring, required: 2),
        Define("string length", "string", (a, w) => a[0] is string s ? (decimal)s.Length : w.Null("string length expects a string")),
        Define("upper case", "string", (a, w) => a[0] is string s ? s.ToUpperInvariant() : w.Null("upper case expects a string")),
        Define("lower case", "string", (a, w) => a[0] is string s ? s.ToLowerInvariant() : w.Null("lower case expects a string")),
        Define("substring before", "string, match", (a, w) => Two(a, w, (s, m) => s.IndexOf(m, StringComparison.Ordinal) is var i and >= 0 ? s[..i] : "")),
        Define("substring after", "string, match", (a, w) => Two(a, w, (s, m) => s.IndexOf(m, StringComparison.Ordinal) is var i and >= 0 ? s[(i + m.Length)..] : "")),
        Define("contains", "string, match", (a, w) => Two(a, w, (s, m) => s.Contains(m, StringComparison.Ordinal))),
        Define("starts with", "string, match", (a, w) => Two(a, w, (s, m) => s.StartsWith(m, StringComparison.Ordinal))),
        Define("ends with", "string, match", (a, w) => Two(a, w, (s, m) => s.EndsWith(m, StringComparison.Ordinal))),
        Define("matches", "input, pattern, flags", (a, w) => Pattern(a, 2, w) is { } r && a[0] is string s ? r.IsMatch(s) : w.Null("matches expects a string and a pattern"), required: 2),
        Define("replace", "input, pattern, replacement, flags", Replace, required: 3),
        Define("split", "string, delimiter", (a, w) => Pattern(a, 1, w, noFlags: true) is { } r && a[0] is string s ? r.Split(s).Cast<object?>().ToList() : w.Null("split expects a string and a delimiter")),
        Define("string join", "list, delimiter, prefix, suffix", Join, required: 1),
        Define("trim", "string", (a, w) => a[0] is string s ? s.Trim() : w.Null("trim expects a string")),
        // Camunda's extensions.
        Define("extract", "string, pattern", (a, w) => Pattern(a, -1, w, noFlags: true) is { } r && a[0] is string s
            ? r.Matches(s).Select(m => (object?)m.Value).ToList() : w.Null("extract expects a string and a pattern")),
        Define("is blank", "string", (a, w) => a[0] is string s ? string.IsNullOrWhiteSpace(s) : w.Null("is blank expects a string")),
        Define("to base64", "value", (a, w) => a[0] is string s ? Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) : w.Null("to base64 expects a string")),
        Define("uuid", "", (_, _) => Guid.NewGuid().ToString()),
    ];

    private static object? Two(object?[] a, FeelWarnings w, Func<string, string, object> body) =>
        a[0] is string s && a[1] is string m ? body(s, m) : w.Null("expects two strings");

    private static object? Substring(object?[] a, FeelWarnings w)
    {
        if (a[0] is not string s || Int(a[1]) is not { } start || (a.Given(2) && Int(a[2]) is null))
            return w.Null("substring expects a string and whole-number positions");
        var from = start > 0 ? start - 1 : s.Length + start;
        if (start == 0 || from < 0 || from > s.Length)
            return w.Null($"substring start position {start} is out of range");
        var length = a.Given(2) ? Math.Min(Int(a[2])!.Value, s.Length - from) : s.Length - from;
        return length < 0 ? w.Null("substring length is negative") : s.Substring(from, length);
    }

    private static Regex? Pattern(object?[] a, int flagsIndex, FeelWarnings w, bool noFlags = false)
    {
        if (a.At(1) is not string pattern)
            return null;
        var options = RegexOptions.CultureInvariant;
        if (!noFlags && a.At(flagsIndex) is string flags)
        {
            foreach (var flag in flags)
            {
                options |= flag switch
                {
                    'i' => RegexOptions.IgnoreCase,
                    's' => RegexOptions.Singleline,
                    'm' => RegexOptions.Multiline,
                    'x' => RegexOptions.IgnorePatternWhitespace,
                    _ => throw new ArgumentException($"unknown regex flag '{flag}'"),
                };
            }
        }
        try
        {
            return new Regex(pattern, options, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            w.Null($"invalid pattern: {e.Message}");
            return null;
        }
    }

    private static object? Replace(object?[] a, FeelWarnings w)
    {
        if (a[0] is not string input || a[2] is not string replacement || Pattern(a, 3, w) is not { } regex)
            return w.Null("replace expects input, pattern and replacement strings");
        if (EvaluationBudget.Current is not { } budget)
            return regex.Replace(input, replacement);
        // Charged match by match, as the answer grows: every empty match of a long input replaced by that input is an
        // answer quadratic in the input's length, past what a string can hold.
        return regex.Replace(input, match =>
        {
            var replaced = match.Result(replacement);
            budget.Spend(1);
            budget.SpendOnText(replaced.Length);
            return replaced;
        });
    }

    private static object? Join(object?[] a, FeelWarnings w)
    {
        if (a[0] is not List<object?> list || (a.At(1) is not (null or string)) || a.At(2) is not (null or string) || a.At(3) is not (null or string))
            return w.Null("string join expects a list of strings and string separators");
        // Its length first, charged before it is built: the items may be one long string referenced many times.
        var separator = (string?)a.At(1) ?? "";
        long length = 0;
        foreach (var item in list)
        {
            if (item is null)
                continue;
            if (item is not string s)
                return w.Null("string join expects a list of strings");
            length += s.Length + separator.Length;
        }
        EvaluationBudget.Current?.SpendOnText(length);
        var text = new StringBuilder((string?)a.At(2) ?? "");
        var first = true;
        foreach (var item in list)
        {
            if (item is not string s)
                continue;
            text.Append(first ? "" : separator).Append(s);
            first = false;
        }
        return text.Append((string?)a.At(3) ?? "").ToString();
    }
}
