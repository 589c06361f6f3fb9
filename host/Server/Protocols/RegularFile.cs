using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Switchboard.Host.Protocols;

/// <summary>Reads a small file named by a setting or written by the host itself (a cursor, a CA certificate), refusing what
/// is not a regular file.</summary>
/// <remarks>A named pipe put where a cursor belongs would hold an ordinary open until something writes to it (the
/// activation with it, for good), and a device such as <c>/dev/zero</c> would never end. On Unix the file is opened
/// without waiting (<c>O_NONBLOCK</c>, which a regular file ignores) to look at it first: what cannot seek is refused,
/// and what has no length is not read.</remarks>
internal static class RegularFile
{
    /// <summary>The file's text, or null when there is no file.</summary>
    /// <exception cref="IOException">It is not a regular file, or cannot be read.</exception>
    public static async Task<string?> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        // A folder where the file belongs is no file either: taken for none, a poller was asked for its whole history again.
        if (Directory.Exists(path))
            throw new IOException($"{path} is not a regular file (a folder); remove it and the activation starts without a cursor");
        if (!File.Exists(path))
            return null;
        if (OperatingSystem.IsWindows())
            return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
        await using (var stream = new FileStream(OpenWithoutWaiting(path), FileAccess.Read, bufferSize: 1))
        {
            if (!stream.CanSeek)
                throw new IOException($"{path} is not a regular file (a named pipe, socket or device); remove it and the activation starts without a cursor");
            // A device that seeks (such as /dev/zero) has no length: never read, as it would never end.
            if (stream.Length == 0)
                return "";
        }
        return await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);
    }

    /// <summary>Checks that the existing file at <paramref name="path"/> is a regular file with something in it, before a
    /// reader that would open it and wait (a certificate loader) is handed it.</summary>
    /// <exception cref="IOException">It is a named pipe, socket or device, or empty.</exception>
    public static void Require(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
            return;
        using var stream = new FileStream(OpenWithoutWaiting(path), FileAccess.Read, bufferSize: 1);
        if (!stream.CanSeek)
            throw new IOException($"{path} is not a regular file (a named pipe, socket or device)");
        if (stream.Length == 0)
            throw new IOException($"{path} is empty, or a device");
    }

    private static SafeFileHandle OpenWithoutWaiting(string path) =>
        Hosting.UnixDescriptor.Open(path, Hosting.UnixDescriptor.NonBlocking | Hosting.UnixDescriptor.CloseOnExec)
            ?? throw new IOException($"{path} cannot be opened (error {Marshal.GetLastPInvokeError()})");
}
