using Switchboard.Core.Metadata;
using Switchboard.Host.Logging;

namespace Switchboard.Host.Templates;

/// <summary>Whether every field of a connector can be the target of a Zeebe input mapping, which is how its element
/// template hands a field's value to the job.</summary>
/// <remarks>
/// Zeebe deploys a mapping only when its target is a path: names of ASCII letters, digits and '_', each starting with a
/// letter, joined by '.', the whole not one of FEEL's words (<c>instance</c>, <c>for</c>, <c>if</c>, ...). A field named
/// <c>x-api-key</c> or <c>instance</c> gave a template whose process Zeebe refused to deploy; one named <c>api.key</c>
/// deployed, but Zeebe wrote <c>{"api":{"key":…}}</c>, so the connector never saw its field. Such a connector still
/// serves CSP and Spiff callers, who send its fields by name; only its template is withheld, with this reason.
/// </remarks>
internal static class ZeebeInputTargets
{
    private static readonly HashSet<string> ReservedWords =
        new(["null", "true", "false", "function", "if", "then", "else", "for", "between", "instance", "of"], StringComparer.Ordinal);

    /// <summary>Why <paramref name="connector"/>'s template cannot bind one of its fields, or null when it can bind all.</summary>
    public static string? Problem(ConnectorMetadata connector)
    {
        foreach (var operation in connector.Operations)
            foreach (var ids in ElementTemplateInputs.Targets(operation))
                if (Problem(ids) is { } why)
                {
                    var field = LogValueSanitizer.Escape(string.Join('.', ids), 200);
                    var where = connector.HasOperations ? $" of operation '{LogValueSanitizer.Escape(operation.Id, 100)}'" : "";
                    return $"field '{field}'{where} cannot be the target of a Zeebe input mapping: {why}, so connector " +
                           $"'{LogValueSanitizer.Escape(connector.Type, 200)}' has no element template (CSP and Spiff callers are not affected); " +
                           "give the property another id with [Parameter(\"...\")] or [JsonPropertyName(\"...\")]";
                }
        return null;
    }

    private static string? Problem(string[] ids)
    {
        foreach (var id in ids)
        {
            if (id.Contains('.'))
                return $"Zeebe reads the '.' in '{LogValueSanitizer.Escape(id, 100)}' as a path into an object";
            if (id.Length == 0 || !char.IsAsciiLetter(id[0]) || id.AsSpan(1).ContainsAnyExcept(NameCharacters))
                return $"Zeebe takes only names of ASCII letters, digits and '_' that start with a letter, not '{LogValueSanitizer.Escape(id, 100)}'";
        }
        return ids.Length == 1 && ReservedWords.Contains(ids[0]) ? $"'{ids[0]}' is one of FEEL's reserved words" : null;
    }

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}
