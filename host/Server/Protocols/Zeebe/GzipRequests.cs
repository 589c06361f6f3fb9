namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Call headers asking Grpc.Net.Client to gzip a request whose payload is large enough to gain from it: job
/// variables are JSON text and shrink well, but a few bytes (an activation request, a small result) cost more to
/// compress (a deflate stream set up per call) than they save.</summary>
internal static class GzipRequests
{
    /// <summary>Payloads from this many characters on are compressed.</summary>
    public const int MinLength = 1024;

    private static readonly Grpc.Core.Metadata Gzip = new() { { "grpc-internal-encoding-request", "gzip" } };

    /// <summary>The headers for a request carrying <paramref name="payloadLength"/> characters of variables or messages.</summary>
    public static Grpc.Core.Metadata? For(int payloadLength) => payloadLength >= MinLength ? Gzip : null;
}
