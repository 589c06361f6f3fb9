using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.Host.Catalog;

/// <summary>Tells one folder from another found at the same path later: on 64-bit Linux by its device and inode number,
/// elsewhere by its creation time.</summary>
/// <remarks>.NET's <see cref="FileSystemInfo.CreationTimeUtc"/> on Linux is the birth time only where the file system
/// reports one; elsewhere (overlay file systems, as containers use) it is the time of the last status change, which
/// moves whenever an entry is added to or removed from the folder. Taken for the plugins folder's identity, every plugin
/// folder added, removed or renamed made the watcher believe the whole plugins folder had been replaced: it rescanned at
/// once, past each plugin's quiet period, and tried failed plugins again. The inode of a folder stays its own for its
/// life. <c>stat</c> is called directly (as <see cref="Protocols.RegularFile"/> calls <c>open</c>): .NET does not expose
/// the inode; the two numbers lead <c>struct stat</c> on every 64-bit Linux.</remarks>
internal static class FolderIdentity
{
    /// <summary>The folder's identity: equal for the same folder, whatever happens inside it.</summary>
    public static (long Device, long Node) Of(DirectoryInfo folder)
    {
        if (OperatingSystem.IsLinux() && Environment.Is64BitProcess)
        {
            var status = new byte[256]; // struct stat is 128 or 144 bytes
            try
            {
                if (Stat(Encoding.UTF8.GetBytes(folder.FullName + "\0"), status) == 0)
                    return (BitConverter.ToInt64(status, 0), BitConverter.ToInt64(status, 8));
            }
            catch (EntryPointNotFoundException)
            {
                // A C library older than glibc 2.33 exports stat under another name: the creation time below it is.
            }
        }
        return (0, folder.CreationTimeUtc.Ticks);
    }

    /// <summary>Holds the folder open, on Linux, so that its inode stays its own while it is watched: deleted and made
    /// again at once, a folder gets the inode number just freed, and looked the same as the one it replaced. Null where
    /// nothing needs holding or the folder cannot be opened.</summary>
    public static IDisposable? Hold(string folder) =>
        // Opened for reading (O_RDONLY), as a folder may be.
        OperatingSystem.IsLinux() ? Hosting.UnixDescriptor.Open(folder, Hosting.UnixDescriptor.CloseOnExec) : null;

    // The path as the NUL-terminated UTF-8 bytes the C library reads; both arrays marshalled (pinned) by the runtime.
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat(byte[] path, [Out] byte[] status);
}
