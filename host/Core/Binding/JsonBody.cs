using System.Text.Json;
using System.Text.Unicode;

namespace Switchboard.Core.Binding;

/// <summary>How a JSON body from outside is parsed, the same for every protocol of the host and for the author kit:
/// whole, checked as UTF-8, a key given twice refused.</summary>
internal static class JsonBody
{
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Parsing that refuses a key given twice, which would otherwise surface later, while the object is read, as a server error.</summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>The path of the first key or string of <paramref name="root"/>, parsed from <paramref name="body"/>, that
    /// is not Unicode text (<see cref="JsonText.NotText"/>), or null; walked only when the body's text may hold a lone
    /// surrogate escape at all.</summary>
    public static string? FindNotText(byte[] body, JsonElement root) =>
        JsonText.MayHoldSurrogateEscapes(body) ? JsonText.FindInvalid(ElementNode.Over(root)) : null;

    /// <summary>Parses <paramref name="body"/> (a leading UTF-8 byte order mark allowed) into an element, so a reader that
    /// needs only some of the body's values (CSP's envelope) makes no tree for the rest; null with
    /// <paramref name="problem"/> set when it is not UTF-8 JSON.</summary>
    public static JsonElement? ParseElement(byte[] body, JsonDocumentOptions options, out string? problem)
    {
        problem = null;
        var json = body.AsMemory();
        if (json.Span.StartsWith(ByteOrderMark))
            json = json[ByteOrderMark.Length..];
        // What the parser would say of it ("does not contain any JSON tokens ... isFinalBlock") is its own words, not the caller's.
        if (json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            problem = "it is empty";
            return null;
        }
        // The reader checks UTF-8 only where it decodes, so a bad string would surface later, mid-request.
        if (!Utf8.IsValid(json.Span))
        {
            problem = "it is not valid UTF-8";
            return null;
        }
        try
        {
            // Over the body's own bytes, which nothing changes after this, instead of a copy. The document is not
            // disposed: the input read from it may outlive the request (a call answered through a callback), and its
            // rented index is then simply collected like any array.
            return JsonDocument.Parse(json, options).RootElement;
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return null;
        }
        catch (InvalidOperationException)
        {
            // The duplicate-key check decodes every key; a key escaping half a surrogate pair cannot be decoded.
            problem = "a key holds a lone surrogate escape such as \\ud800, which is not Unicode text";
            return null;
        }
    }
}
