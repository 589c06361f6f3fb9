using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Host.Protocols;

/// <summary>The one check of a protocol's shared secret: present exactly once, compared in constant time, every refusal logged; 401 in the protocol's form.</summary>
internal sealed class CredentialFilter : IEndpointFilter
{
    /// <summary>SpiffArena's header carrying the proxy's API key.</summary>
    public const string SpiffApiKeyHeader = "Spiff-Connector-Proxy-Api-Key";

    private const string BearerScheme = "Bearer ";

    // Comparing fixed-length digests in constant time reveals neither the secret's content nor its length.
    private readonly byte[][] _expected;
    private readonly string _protocol;
    private readonly string _what;
    private readonly Func<HttpRequest, string?> _presented;
    private readonly Func<HttpContext, IResult> _refusal;
    private readonly ILogger _logger;

    private CredentialFilter(string protocol, IReadOnlyList<string> secrets, string what, Func<HttpRequest, string?> presented, Func<HttpContext, IResult> refusal, ILogger logger)
    {
        // Trimmed as the presented value is (and as Kestrel trims header values): a secret read from a mounted file often
        // ends in a newline, which no caller can send, so every request was refused.
        _expected = secrets.Select(secret => SHA256.HashData(Encoding.UTF8.GetBytes(secret.Trim()))).ToArray();
        _protocol = protocol;
        _what = what;
        _presented = presented;
        _refusal = refusal;
        _logger = logger;
    }

    /// <summary>CSP: <c>Authorization: Bearer &lt;token&gt;</c>; refused with <c>WWW-Authenticate: Bearer</c> and a JSON <c>detail</c>.</summary>
    public static CredentialFilter Bearer(Protocol protocol, string token, ILogger logger) => Bearer(protocol.ToString(), [token], logger);

    /// <summary>A bearer token that may be any of <paramref name="tokens"/> (the developer dashboard accepts each protocol's
    /// secret); refused as <see cref="Bearer(Protocol, string, ILogger)"/> does.</summary>
    public static CredentialFilter Bearer(string protocol, IReadOnlyList<string> tokens, ILogger logger) => new(protocol, tokens, "bearer token",
        request => request.Headers.Authorization is { Count: 1 } header && header[0]!.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
            ? header[0]![BearerScheme.Length..].Trim()
            : null,
        http =>
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new JsonObject { ["detail"] = "a valid bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized);
        },
        logger);

    /// <summary>SpiffWorkflow: the key in <see cref="SpiffApiKeyHeader"/>, sent once; refused as the real proxy does, <c>{"error":"Unauthorized"}</c>.</summary>
    public static CredentialFilter SpiffApiKey(string key, ILogger logger) => new(nameof(Protocol.Spiff), [key], "API key",
        request => request.Headers[SpiffApiKeyHeader] is { Count: 1 } header ? header[0] : null,
        _ => Results.Text("""{"error":"Unauthorized"}""", "application/json", statusCode: StatusCodes.Status401Unauthorized),
        logger);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var presented = _presented(http.Request);
        if (presented is not null && Matches(SHA256.HashData(Encoding.UTF8.GetBytes(presented))))
            return await next(context);

        _logger.LogWarning("{Protocol} request to {Path} from {RemoteAddress} refused: {Reason}", _protocol, http.Request.Path.Value,
            http.Connection.RemoteIpAddress?.ToString(), presented is null ? $"no {_what} (or more than one)" : $"wrong {_what}");
        return _refusal(http);
    }

    // Every expected digest is compared, so the time taken does not tell which secret came close.
    private bool Matches(byte[] presented)
    {
        var matched = false;
        foreach (var expected in _expected)
            matched |= CryptographicOperations.FixedTimeEquals(expected, presented);
        return matched;
    }
}
