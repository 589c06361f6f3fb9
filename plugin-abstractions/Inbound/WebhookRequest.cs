using System.Text.Json.Nodes;

namespace Switchboard.Abstractions.Inbound;

/// <summary>An HTTP request received on a webhook inbound connector's route.</summary>
public sealed class WebhookRequest
{
    /// <summary>HTTP method, upper case.</summary>
    public string Method { get; init; } = "POST";

    /// <summary>Request headers; a header sent several times is joined with commas.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The URL the request came to, as the host received it: scheme, host (with its port) and path, without the
    /// query string (that is <see cref="Query"/>). A proxy in front of the host may have received another.</summary>
    public string Url { get; init; } = "";

    /// <summary>Query string parameters.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary>Raw request body.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    private readonly JsonObject? _mapped;

    /// <summary>The request as the element's FEEL expressions see it, <c>request</c>: <c>body</c> (a JSON body's value, a
    /// form's fields, else its text), <c>headers</c> (lower-case names) and <c>params</c>. The host fills it with the very
    /// object its correlation reads, so an expression of the connector's own (an API key locator) sees what the
    /// activation condition and the correlation key see; each read returns a copy of its own. The author kit fills it the
    /// same way for a request a test builds; null in a request handed to a connector by other means, unless set.</summary>
    public JsonObject? Mapped
    {
        get => (JsonObject?)_mapped?.DeepClone();
        init => _mapped = value;
    }
}
