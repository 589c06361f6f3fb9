namespace Switchboard.Abstractions;

/// <summary>An operation's output together with the response facts a protocol can carry beside it: status, headers and media type.</summary>
/// <remarks>
/// Return it from an operation that proxies another service (an HTTP call, say) so SpiffWorkflow's
/// <c>command_response</c> and CSP's <c>statusCode</c> can show the upstream's status and headers; other
/// protocols use <see cref="Body"/> alone. Header values must not hold secrets: they reach the caller as they are.
/// </remarks>
public sealed class ConnectorResponse
{
    /// <summary>The output <paramref name="body"/> with <paramref name="statusCode"/> (a 2xx: failures are thrown as <see cref="ConnectorException"/>).</summary>
    public ConnectorResponse(object? body, int statusCode = 200)
    {
        Body = body;
        StatusCode = statusCode;
    }

    /// <summary>The output itself, serialized as any other operation result.</summary>
    public object? Body { get; }

    /// <summary>The status the response stands for, e.g. 200 or 201.</summary>
    public int StatusCode { get; }

    /// <summary>Response headers to pass on, when the caller asked for them.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The media type of <see cref="Body"/> as the upstream described it, e.g. <c>application/json</c>.</summary>
    public string? MediaType { get; init; }
}
