using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Host.Protocols.Spiff;

/// <summary>Requires <c>Spiff-Connector-Proxy-Api-Key</c> to match the configured key, compared in constant time; else 401.</summary>
internal sealed class SpiffApiKeyFilter : IEndpointFilter
{
    public const string HeaderName = "Spiff-Connector-Proxy-Api-Key";

    private static readonly IResult Unauthorized = Results.Text("""{"error":"Unauthorized"}""", "application/json", statusCode: StatusCodes.Status401Unauthorized);

    // Comparing hashes keeps the time independent of the key's length as well as its content.
    private readonly byte[] _expectedHash;

    public SpiffApiKeyFilter(string apiKey) => _expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Request.Headers[HeaderName];
        if (headers.Count != 1 || !Matches(headers[0]!))
            return ValueTask.FromResult<object?>(Unauthorized);
        return next(context);
    }

    private bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expectedHash);
}
