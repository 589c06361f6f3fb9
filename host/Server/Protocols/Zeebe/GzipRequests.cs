namespace Switchboard.Host.Protocols.Zeebe;

/// <summary>Call headers asking Grpc.Net.Client to gzip the request, as the Node SDK does: job variables are JSON text and shrink well.</summary>
internal static class GzipRequests
{
    public static readonly Grpc.Core.Metadata Headers = new() { { "grpc-internal-encoding-request", "gzip" } };
}
