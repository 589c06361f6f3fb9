using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchboard.Abstractions.Inbound;

namespace Switchboard.Plugins.Webhook;

/// <summary>Reads <c>inbound.hmacScopes</c>: FEEL giving a list of scope names (Camunda's templates write
/// <c>=["url","body","parameters"]</c>), or, where the host offers no FEEL, the names written in it.</summary>
internal static partial class HmacScopes
{
    public static IReadOnlyList<string> Read(string? value, IExpressionEvaluator? feel)
    {
        if (string.IsNullOrWhiteSpace(value))
            return [];
        if (feel is not null && value.TrimStart().StartsWith('='))
        {
            try
            {
                return feel.Evaluate(value, null) switch
                {
                    JsonArray list => list.Select(item => item is JsonValue v && v.TryGetValue<string>(out var name) ? name : item?.ToJsonString() ?? "null").ToList(),
                    JsonValue single when single.TryGetValue<string>(out var name) => [name],
                    var other => [other?.ToJsonString() ?? "null"],
                };
            }
            catch (FormatException)
            {
                // Not FEEL after all: its words are the scopes, and a wrong one is named as such.
            }
        }
        return Words().Matches(value).Select(m => m.Value).ToList();
    }

    [GeneratedRegex("[A-Za-z]+")]
    private static partial Regex Words();
}
