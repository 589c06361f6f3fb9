using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Host.Templates;

/// <summary>Stable names derived from a connector's type: the template id, its file name and secret names.</summary>
internal static class ElementTemplateIds
{
    /// <summary><c>io.example:calculator:1</c> becomes <c>io.example.calculator</c>: the version lives in the template's <c>version</c>, so Modeler sees one template upgraded, not two.</summary>
    public static string TemplateId(string connectorType)
    {
        var segments = connectorType.Split(':', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments.Count > 1 && segments[^1].All(char.IsAsciiDigit))
            segments.RemoveAt(segments.Count - 1);
        return string.Join('.', segments);
    }

    /// <summary>The id of an inbound connector's template for one element kind: its <see cref="TemplateId"/> and the kind's suffix.</summary>
    public static string InboundTemplateId(string connectorType, string kindSuffix) => TemplateId(connectorType) + "." + kindSuffix;

    /// <summary>What two connector types must share to share a template id: the type without its trailing numeric
    /// version, so <c>io.example:calculator:1</c> and <c>:2</c> are one template in two versions, while
    /// <c>io.example.calculator:7</c>, which <see cref="TemplateId"/> maps to the same id, is another connector.</summary>
    public static string Lineage(string connectorType)
    {
        var colon = connectorType.LastIndexOf(':');
        return colon >= 0 && colon < connectorType.Length - 1 && !connectorType.AsSpan(colon + 1).ContainsAnyExceptInRange('0', '9')
            ? connectorType[..colon]
            : connectorType;
    }

    /// <summary>The most characters of a template's name a file name keeps (Linux allows 255 bytes, and the folder's path
    /// counts too elsewhere); a longer name is cut and told apart by a hash.</summary>
    public const int MaxFileStem = 100;

    /// <summary>A file name that is safe on every OS for the template id: the id itself when it is short and holds only
    /// letters, digits, '.', '-' and '_'; else what of it is safe, at most <see cref="MaxFileStem"/> characters, and a
    /// short hash of the whole id, so two ids never share a file. <paramref name="hashed"/> adds the hash to any id, for
    /// names that clash on a file system that ignores case.</summary>
    public static string FileName(string templateId, bool hashed = false)
    {
        var name = new StringBuilder(Math.Min(templateId.Length, MaxFileStem) + 16);
        var lossy = templateId.Length > MaxFileStem;
        foreach (var c in templateId.AsSpan(0, Math.Min(templateId.Length, MaxFileStem)))
        {
            var safe = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_';
            lossy |= !safe;
            name.Append(safe ? c : '-');
        }
        if (lossy || hashed)
            name.Append('-').Append(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(templateId)), 0, 4));
        return name.Append(".json").ToString();
    }

    /// <summary>The secret a parameter hints at: <c>auth.apiKey</c> becomes <c>AUTH_API_KEY</c>.</summary>
    public static string SecretName(string path)
    {
        var name = new StringBuilder(path.Length + 8);
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                if (name.Length > 0 && name[^1] != '_')
                    name.Append('_');
                continue;
            }
            if (char.IsUpper(c) && i > 0 && char.IsLower(path[i - 1]) && name[^1] != '_')
                name.Append('_');
            name.Append(char.ToUpperInvariant(c));
        }
        return name.ToString().Trim('_');
    }
}
