using System.Net;
using System.Net.Sockets;

namespace Switchboard.Tests.Infrastructure;

/// <summary>A loopback port nothing listens on: the system's pick of a free one, released at once, for a server that
/// must be told its port before it starts (or for a target that refuses connections).</summary>
public static class LoopbackPort
{
    /// <summary>A port that was free a moment ago.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
