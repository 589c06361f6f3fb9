using System.Runtime.InteropServices;

namespace Switchboard.Host.Isolation;

/// <summary>A worker leads a process group of its own, so that the processes its plugin starts end with it.</summary>
/// <remarks>Killing the worker's process tree reaches only children still attached to a living worker: once the worker
/// has crashed or exited, its children belong to init, and they kept running (and writing into the host's relay of the
/// worker's output) until they ended by themselves. A process group outlives its leader, and a process id is not reused
/// while a group of that id exists, so the host can end the group whenever the worker ends. A child that starts a
/// session of its own (<c>setsid</c>) leaves the group; that takes a deliberate act.</remarks>
internal static class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>In the worker, before any plugin code: makes it the leader of a new process group.</summary>
    public static void Lead()
    {
        if (!OperatingSystem.IsWindows())
            _ = setpgid(0, 0);
    }

    /// <summary>In the host: ends every process still in the group that the worker <paramref name="leader"/> leads, the
    /// worker included. Nothing happens when the group is gone.</summary>
    public static void Kill(int leader)
    {
        if (!OperatingSystem.IsWindows() && leader > 0)
            _ = kill(-leader, SigKill);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpgid(int pid, int pgid);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
