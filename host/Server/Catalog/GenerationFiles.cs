using System.Diagnostics;
using System.IO.Enumeration;

namespace Switchboard.Host.Catalog;

/// <summary>The copies of plugin folders that generations load from: one folder per generation, holding what the load
/// context reads (assemblies, their symbols, native libraries, <c>.deps.json</c>), taken as the generation loads and
/// deleted once it is unloaded.</summary>
/// <remarks>
/// A load context reads a dependency only when the plugin's code first needs it, which may be long after the load.
/// Read from the plugin's folder, that dependency came from whatever was there by then: a deploy copying a new version
/// over the files (half-written for a moment) made the old generation, still finishing its calls, fail them with
/// <see cref="BadImageFormatException"/>, or run with the new version's library. Each generation reads its own copy.
/// The copies live in one folder per catalog under the temporary folder, created readable by this user only (another
/// local user must not be able to swap a DLL there before it is loaded). A catalog that stops deletes its folder; one
/// whose process was killed leaves it, and the next catalog to start on the machine deletes it.
/// </remarks>
internal sealed class GenerationFiles : IDisposable
{
    private const string Prefix = "switchboard-generations-";

    // What a load context reads from a plugin's folder; data files the plugin opens itself are read from its folder.
    private static readonly string[] Loaded = ["*.dll", "*.exe", "*.pdb", "*.so", "*.so.*", "*.dylib", "*.deps.json", "*.runtimeconfig.json"];

    private readonly Lazy<string> _root = new(Create);

    /// <summary>The folder holding this catalog's copies; null before the first load.</summary>
    public string? Root => _root.IsValueCreated ? _root.Value : null;

    /// <summary>Copies what a load context reads from <paramref name="directory"/> into a folder of generation
    /// <paramref name="number"/>'s own, named as the plugin, which it returns.</summary>
    /// <remarks>Each file is copied as far as its length when listed, as the fingerprint reads it: what has no length
    /// (a named pipe, a link to a device) is copied empty and never opened, so it cannot hold up the load.</remarks>
    public string Copy(string name, int number, string directory)
    {
        var generation = Folder(name, number);
        TryDelete(generation); // left by a load of the same number that failed before it could be deleted
        var copy = Path.Combine(generation, name);
        Directory.CreateDirectory(copy);
        foreach (var file in PluginFolder.Files(directory))
        {
            var fileName = Path.GetFileName(file);
            if (!Loaded.Any(pattern => FileSystemName.MatchesSimpleExpression(pattern, fileName)))
                continue;
            var target = Path.Combine(copy, Path.GetRelativePath(directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
            var length = PluginFolder.Length(file);
            if (length == 0)
                continue;
            using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            CopyAtMost(input, output, length);
        }
        return copy;
    }

    /// <summary>Deletes the copy <see cref="Copy"/> made for generation <paramref name="number"/> of <paramref name="name"/>, if any.</summary>
    public void Delete(string name, int number)
    {
        if (_root.IsValueCreated)
            TryDelete(Folder(name, number));
    }

    /// <summary>Deletes every copy this catalog made.</summary>
    public void Dispose()
    {
        if (_root.IsValueCreated)
            TryDelete(_root.Value);
    }

    // Name and number apart: a folder name may be as long as the file system allows, with no room for a number beside it.
    private string Folder(string name, int number) => Path.Combine(_root.Value, name, number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void CopyAtMost(Stream input, Stream output, long length)
    {
        var buffer = new byte[(int)Math.Min(length, 64 * 1024)];
        for (var left = length; left > 0;)
        {
            var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
                break; // shorter than listed: a change the watcher reports, and the next generation copies
            output.Write(buffer, 0, read);
            left -= read;
        }
    }

    // One folder per catalog (a process may run several, as tests do), its owner's process id in its name.
    private static string Create()
    {
        DeleteAbandoned();
        // Created with the permissions 700 on Unix.
        return Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
    }

    // Folders of catalogs whose process is gone (killed before it could delete its own).
    private static void DeleteAbandoned()
    {
        try
        {
            foreach (var folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(Prefix + "*"))
            {
                var owner = folder.Name.AsSpan(Prefix.Length);
                var dash = owner.IndexOf('-');
                if ((folder.Attributes & FileAttributes.ReparsePoint) == 0 && dash > 0 && int.TryParse(owner[..dash], out var pid) && !IsRunning(pid))
                    TryDelete(folder.FullName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else's, or going away meanwhile: not ours to mend.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A native library still loaded on Windows: the next start deletes what is left.
        }
    }
}
