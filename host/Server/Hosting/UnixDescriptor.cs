using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Switchboard.Host.Hosting;

/// <summary>Opens a path with the C library's <c>open</c>, for what .NET's file APIs cannot do: open a named pipe without
/// waiting for a writer (<see cref="Protocols.RegularFile"/>), or hold a folder open (<see cref="Catalog.FolderIdentity"/>).</summary>
internal static class UnixDescriptor
{
    /// <summary><c>O_NONBLOCK</c> on this platform.</summary>
    public static int NonBlocking => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 0x4 : 0x800;

    /// <summary><c>O_CLOEXEC</c> on this platform: a worker process started later does not inherit the descriptor.</summary>
    public static int CloseOnExec => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 0x1000000 : 0x80000;

    /// <summary>The path opened for reading with <paramref name="flags"/> (<c>O_RDONLY</c> is 0); null when it cannot be,
    /// <see cref="Marshal.GetLastPInvokeError"/> saying why.</summary>
    public static SafeFileHandle? Open(string path, int flags)
    {
        var descriptor = Open(Encoding.UTF8.GetBytes(path + "\0"), flags);
        return descriptor < 0 ? null : new SafeFileHandle(descriptor, ownsHandle: true);
    }

    // The path as the NUL-terminated UTF-8 bytes the C library reads; marshalled by the runtime, so no unsafe code.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);
}
