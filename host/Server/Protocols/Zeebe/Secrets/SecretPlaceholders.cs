using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchboard.Host.Protocols.Zeebe.Secrets;

/// <summary>Replaces <c>{{secrets.NAME}}</c> anywhere in a job's variables, and a string that is just <c>secrets.NAME</c>, before the input is bound.</summary>
internal static partial class SecretPlaceholders
{
    // {{secrets.NAME}}: the one form of both patterns below.
    private const string Braced = @"\{\{\s*secrets\.(?<name>[A-Za-z0-9_\-.]+)\s*\}\}";

    // The second form needs the quote before it to open a JSON string: one escaped inside a string (\", after an odd
    // number of backslashes) is text, and "quoted: \"secrets.DB" put the secret in.
    [GeneratedRegex(Braced + @"|(?<=(?<!\\)(?:\\\\)*"")secrets\.(?<name>[A-Za-z0-9_\-.]+)(?="")")]
    private static partial Regex Placeholder();

    [GeneratedRegex(Braced)]
    private static partial Regex TextPlaceholder();

    /// <summary>A text setting with every known <c>{{secrets.NAME}}</c> replaced by the secret as it is (an inbound
    /// activation's property, which is text, not JSON), and the values used, for masking. A property whose text is JSON
    /// (an object or a list) gets the secret escaped as a JSON string's content, as job variables do.</summary>
    public static string ReplaceInText(string text, ISecretProvider secrets, ISet<string> used)
    {
        if (!text.Contains("secrets.", StringComparison.Ordinal))
            return text;
        var json = text.TrimStart() is ['{' or '[', ..];
        return TextPlaceholder().Replace(text, match =>
        {
            if (secrets.Find(match.Groups["name"].Value) is not { } value)
                return match.Value;
            used.Add(value);
            return json ? JsonSerializer.Serialize(value)[1..^1] : value;
        });
    }

    /// <summary>The variables' JSON text with every known secret put in (JSON-escaped), and the values used, for masking.</summary>
    public static string Replace(string variablesJson, ISecretProvider secrets, ISet<string> used) =>
        Placeholder().Replace(variablesJson, match =>
        {
            if (secrets.Find(match.Groups["name"].Value) is not { } value)
                return match.Value;
            used.Add(value);
            // The placeholder sits inside a JSON string: the value must be escaped as one, without its quotes.
            var encoded = JsonSerializer.Serialize(value);
            return encoded[1..^1];
        });
}
