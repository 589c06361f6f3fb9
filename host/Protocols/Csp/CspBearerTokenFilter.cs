using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Abstractions;

namespace Switchboard.Host.Protocols.Csp;

/// <summary>Lets a <c>/csp/*</c> request through only with <c>Authorization: Bearer &lt;token&gt;</c>; anything else gets 401.</summary>
internal sealed class CspBearerTokenFilter(string token, ILogger logger) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    // Comparing fixed-length digests in constant time reveals neither the token's content nor its length.
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(_expected, SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()))))
            return await next(context);

        logger.LogWarning("{Protocol} request to {Path} from {RemoteAddress} refused: {Reason}", Protocol.Csp, http.Request.Path.Value,
            http.Connection.RemoteIpAddress?.ToString(), header.Length == 0 ? "no bearer token" : "wrong bearer token");
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Json(new JsonObject { ["detail"] = "a valid bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized);
    }
}
