using System.Globalization;
using System.Text;
using Switchboard.Feel.Evaluation;

namespace Switchboard.Feel.Values;

/// <summary>FEEL's <c>string()</c> conversion of any value, and number text without trailing zeros.</summary>
public static class FeelText
{
    public static string Number(decimal value)
    {
        // Dividing by 1.000… drops trailing zeros of the scale, so 1.50 prints as 1.5.
        var normal = value / 1.0000000000000000000000000000m;
        return normal.ToString(CultureInfo.InvariantCulture);
    }

    public static string Of(object? value) => value switch
    {
        null => "null",
        string s => s,
        _ => Literal(value),
    };

    /// <summary>Text as a FEEL literal would read: strings quoted inside lists and contexts.</summary>
    private static string Literal(object? value)
    {
        FeelNesting.Enter();
        switch (value)
        {
            case null: return "null";
            case string s:
                // Charged before it is copied: a list may hold one long string many times over.
                EvaluationBudget.Current?.SpendOnText(s.Length);
                return "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            case bool b: return b ? "true" : "false";
            case decimal d: return Number(d);
            case DateOnly d: return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case TimeSpan t: return FeelIso.Duration(t);
            case List<object?> list:
            {
                var text = new StringBuilder("[");
                for (var i = 0; i < list.Count; i++)
                    text.Append(i == 0 ? "" : ", ").Append(Literal(list[i]));
                return text.Append(']').ToString();
            }
            case FeelContext context:
            {
                var text = new StringBuilder("{");
                var first = true;
                foreach (var (key, item) in context.Entries())
                {
                    text.Append(first ? "" : ", ").Append(key).Append(':').Append(Literal(item));
                    first = false;
                }
                return text.Append('}').ToString();
            }
            case FeelRange r:
                return (r.StartIncluded ? "[" : "(") + Literal(r.Start) + ".." + Literal(r.End) + (r.EndIncluded ? "]" : ")");
            case FeelFunction f: return "function " + f.Name;
            default: return value.ToString() ?? "null";
        }
    }
}
