using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchboard.Host.Protocols.Zeebe.Secrets;

/// <summary>Replaces <c>{{secrets.NAME}}</c> anywhere in a job's variables, and a string that is just <c>secrets.NAME</c>, before the input is bound.</summary>
internal static partial class SecretPlaceholders
{
    // The second form needs the quote before it to open a JSON string: one escaped inside a string (\", after an odd
    // number of backslashes) is text, and "quoted: \"secrets.DB" put the secret in.
    [GeneratedRegex(@"\{\{\s*secrets\.(?<name>[A-Za-z0-9_\-.]+)\s*\}\}|(?<=(?<!\\)(?:\\\\)*"")secrets\.(?<name>[A-Za-z0-9_\-.]+)(?="")")]
    private static partial Regex Placeholder();

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
