using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchboard.Host.Isolation;

/// <summary>Which process is at the other end of a Unix domain socket, as the kernel tells it.</summary>
/// <remarks>A worker's socket is a file any process of the host's user can connect to, the plugin code in every other
/// worker included: the host takes a connection as its worker's only when the kernel says the worker made it.</remarks>
internal static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The process id of the peer of <paramref name="socket"/>; null where the system does not say (not Linux).</summary>
    public static int? ProcessId(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        return socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials) == credentials.Length
            ? MemoryMarshal.Read<int>(credentials)
            : null;
    }
}
